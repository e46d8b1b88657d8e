package client

import (
	"strconv"
	"sync/atomic"
	"testing"

	"github.com/linuxhcs/hcs/hresult"
	"github.com/linuxhcs/hcs/wire"
)

func TestEventTypeValuesMatchTheSpec(t *testing.T) {
	// spec HCS-API.md §2.2; values above 0x7FFFFFFF appear as negative int32.
	cases := []struct {
		name  string
		got   EventType
		want  uint32
		int32 int32
	}{
		{"HcsEventInvalid", EventInvalid, 0x00000000, 0},
		{"HcsEventSystemExited", EventSystemExited, 0x00000001, 1},
		{"HcsEventSystemCrashInitiated", EventSystemCrashInitiated, 0x00000002, 2},
		{"HcsEventSystemCrashReport", EventSystemCrashReport, 0x00000003, 3},
		{"HcsEventSystemRdpEnhancedModeStateChanged", EventSystemRdpEnhancedModeStateChanged, 0x00000004, 4},
		{"HcsEventSystemSiloJobCreated", EventSystemSiloJobCreated, 0x00000005, 5},
		{"HcsEventSystemGuestConnectionClosed", EventSystemGuestConnectionClosed, 0x00000006, 6},
		{"HcsEventProcessExited", EventProcessExited, 0x00010000, 65536},
		{"HcsEventOperationCallback", EventOperationCallback, 0x01000000, 16777216},
		{"HcsEventServiceDisconnect", EventServiceDisconnect, 0x02000000, 33554432},
		{"HcsEventGroupVmLifecycle", EventGroupVmLifecycle, 0x80000002, -2147483646},
		{"HcsEventGroupLiveMigration", EventGroupLiveMigration, 0x80000003, -2147483645},
		{"HcsEventGroupOperationInfo", EventGroupOperationInfo, 0xC0000001, -1073741823},
	}
	for _, tc := range cases {
		if uint32(tc.got) != tc.want || int32(uint32(tc.got)) != tc.int32 {
			t.Errorf("%s = %#x (int32 %d), want %#x (int32 %d)", tc.name, uint32(tc.got), int32(uint32(tc.got)), tc.want, tc.int32)
		}
	}
}

func TestEventOptionValuesMatchTheSpec(t *testing.T) {
	// spec HCS-API.md §2.3.
	cases := []struct {
		name string
		got  EventOptions
		want uint32
	}{
		{"HcsEventOptionNone", EventOptionNone, 0x0},
		{"HcsEventOptionEnableOperationCallbacks", EventOptionEnableOperationCallbacks, 0x1},
		{"HcsEventOptionEnableVmLifecycle", EventOptionEnableVmLifecycle, 0x2},
		{"HcsEventOptionEnableLiveMigrationEvents", EventOptionEnableLiveMigration, 0x4},
	}
	for _, tc := range cases {
		if uint32(tc.got) != tc.want {
			t.Errorf("%s = %#x, want %#x", tc.name, uint32(tc.got), tc.want)
		}
	}
}

func TestSecondSetCallbackFailsCallbackAlreadySet(t *testing.T) {
	f, c := newTestClient(t)
	s := createSystem(t, c, "twice")
	p := createProcess(t, s)
	handles := []struct {
		name string
		ref  wire.Ref
		set  func(EventOptions, EventCallback) error
	}{
		{"system", s.testRef(t), s.SetCallback},
		{"process", p.testRef(t), p.SetCallback},
	}
	for _, h := range handles {
		t.Run(h.name, func(t *testing.T) {
			first, second := newEventRecorder(), newEventRecorder()
			if err := h.set(EventOptionNone, first.callback); err != nil {
				t.Fatal(err)
			}
			err := h.set(EventOptionNone, second.callback)
			wantCode(t, "second SetCallback", err, hresult.HCS_E_OPERATION_SYSTEM_CALLBACK_ALREADY_SET)
			err = h.set(EventOptionEnableOperationCallbacks, second.callback)
			wantCode(t, "second SetCallback with other options", err, hresult.HCS_E_OPERATION_SYSTEM_CALLBACK_ALREADY_SET)
			f.push(t, wire.Event{Handle: h.ref, Type: EventSystemCrashInitiated})
			first.expect(t, EventSystemCrashInitiated)
			f.sync(t)
			second.none(t)
		})
	}
}

// operationEvent is what operationEventHandler saw of an EventOperationCallback.
type operationEvent struct {
	op  *Operation
	typ OperationType
	doc string
	err error
}

// operationEventHandler handles EventOperationCallback the way the spec allows: it reads the
// result and closes the operation inside the callback.
func operationEventHandler(ch chan<- operationEvent) EventCallback {
	return func(ev Event) {
		if ev.Type != EventOperationCallback {
			return
		}
		doc, err := ev.Operation.Result()
		typ := ev.Operation.Type()
		ev.Operation.Close()
		ch <- operationEvent{ev.Operation, typ, doc, err}
	}
}

func TestEnableOperationCallbacksDeliversOperationEvent(t *testing.T) {
	f, c := newTestClient(t)
	f.handle("SystemProperties", func(fakeCall) fakeReply { return fakeReply{Doc: `{"Id":"opevents"}`} })
	f.fail("ProcessOp", hresult.New(hresult.HCS_E_PROCESS_ALREADY_STOPPED, "gone"))
	s := createSystem(t, c, "opevents")
	p := createProcess(t, s)
	sysEvents, procEvents := make(chan operationEvent, 4), make(chan operationEvent, 4)
	if err := s.SetCallback(EventOptionEnableOperationCallbacks, operationEventHandler(sysEvents)); err != nil {
		t.Fatal(err)
	}
	if err := p.SetCallback(EventOptionEnableOperationCallbacks, operationEventHandler(procEvents)); err != nil {
		t.Fatal(err)
	}

	op := NewOperation(nil, nil)
	if err := s.GetProperties(op, ""); err != nil {
		t.Fatal(err)
	}
	ev := recv(t, sysEvents, "EventOperationCallback on the system")
	if ev.op != op || ev.typ != OperationTypeGetProperties || ev.err != nil || ev.doc != `{"Id":"opevents"}` {
		t.Fatalf("system event: %+v, want the operation %p with its result", ev, op)
	}
	_, err := op.Result()
	wantCode(t, "Result after the handler closed the operation", err, hresult.ERROR_INVALID_HANDLE)

	op = NewOperation(nil, nil)
	if err := p.Terminate(op, ""); err != nil {
		t.Fatal(err)
	}
	ev = recv(t, procEvents, "EventOperationCallback on the process")
	if ev.op != op || !hresult.Is(ev.err, hresult.HCS_E_PROCESS_ALREADY_STOPPED) {
		t.Fatalf("process event: %+v, want the operation %p with its failure", ev, op)
	}
}

func TestEnableOperationCallbacksRejectsOperationWithOwnCallback(t *testing.T) {
	f, c := newTestClient(t)
	s := createSystem(t, c, "rejects")
	events := make(chan operationEvent, 4)
	if err := s.SetCallback(EventOptionEnableOperationCallbacks, operationEventHandler(events)); err != nil {
		t.Fatal(err)
	}
	fired := make(chan struct{}, 4)
	op := NewOperation(nil, func(*Operation) { fired <- struct{}{} })
	defer op.Close()
	before := f.callCount()
	wantCode(t, "Start", s.Start(op, ""), hresult.HCS_E_OPERATION_SYSTEM_CALLBACK_ALREADY_SET)
	p, err := s.CreateProcess(processDoc, op)
	wantCode(t, "CreateProcess", err, hresult.HCS_E_OPERATION_SYSTEM_CALLBACK_ALREADY_SET)
	if p != nil {
		t.Fatal("CreateProcess returned a handle for a rejected call")
	}
	if n := f.callCount() - before; n != 0 {
		t.Fatalf("%d rejected calls reached the service", n)
	}
	// The operation is untouched and still usable.
	if got := op.Type(); got != OperationTypeNone {
		t.Fatalf("Type() = %v after the rejection, want None", got)
	}
	_, err = op.Result()
	wantCode(t, "Result after the rejection", err, hresult.HCS_E_OPERATION_NOT_STARTED)
	if err := c.EnumerateComputeSystems("", op); err != nil {
		t.Fatalf("the operation is not usable after the rejection: %v", err)
	}
	recv(t, fired, "the operation's own callback")
	mustWait(t, op)
	// Without its callback the operation is accepted and reported as an event.
	if err := op.SetCallback(nil, nil); err != nil {
		t.Fatal(err)
	}
	if err := s.Start(op, ""); err != nil {
		t.Fatal(err)
	}
	if ev := recv(t, events, "EventOperationCallback"); ev.op != op || ev.err != nil {
		t.Fatalf("event %+v", ev)
	}
}

func TestHandleEventsAreDeliveredInOrder(t *testing.T) {
	f, c := newTestClient(t)
	s := createSystem(t, c, "order")
	p := createProcess(t, s)
	sysRec, procRec := newEventRecorder(), newEventRecorder()
	if err := s.SetCallback(EventOptionNone, sysRec.callback); err != nil {
		t.Fatal(err)
	}
	if err := p.SetCallback(EventOptionNone, procRec.callback); err != nil {
		t.Fatal(err)
	}
	// The client routes events without looking at their type (exits aside), so one
	// non-exit type serves for both handles.
	const n = 1000
	sref, pref := s.testRef(t), p.testRef(t)
	for i := range n {
		f.push(t, wire.Event{Handle: sref, Type: EventSystemCrashInitiated, Data: strconv.Itoa(i)})
		f.push(t, wire.Event{Handle: pref, Type: EventSystemCrashInitiated, Data: strconv.Itoa(i)})
	}
	for i := range n {
		if ev := sysRec.next(t); ev.Data != strconv.Itoa(i) {
			t.Fatalf("system event %d has data %q", i, ev.Data)
		}
		if ev := procRec.next(t); ev.Data != strconv.Itoa(i) {
			t.Fatalf("process event %d has data %q", i, ev.Data)
		}
	}
}

func TestHandleCloseWaitsForRunningCallback(t *testing.T) {
	f, c := newTestClient(t)
	s := createSystem(t, c, "close-waits")
	ref := s.testRef(t)
	entered, release := make(chan struct{}), make(chan struct{})
	var finished atomic.Bool
	var calls atomic.Int32
	if err := s.SetCallback(EventOptionNone, func(Event) {
		if calls.Add(1) == 1 {
			close(entered)
			<-release
			finished.Store(true)
		}
	}); err != nil {
		t.Fatal(err)
	}
	f.push(t, wire.Event{Handle: ref, Type: EventSystemCrashInitiated})
	waitClosed(t, entered, "the event callback to start")
	closeReturned := make(chan struct{})
	go func() {
		s.Close()
		close(closeReturned)
	}()
	if isClosed(closeReturned) {
		t.Fatal("Close returned while the event callback was running")
	}
	close(release)
	waitClosed(t, closeReturned, "Close to return")
	if !finished.Load() {
		t.Fatal("Close returned before the running callback finished")
	}
	f.push(t, wire.Event{Handle: ref, Type: EventSystemExited})
	f.sync(t)
	if n := calls.Load(); n != 1 {
		t.Fatalf("the callback ran %d times; nothing may run after Close", n)
	}
}

func TestHandleCloseFromItsOwnCallbackReturns(t *testing.T) {
	f, c := newTestClient(t)
	s := createSystem(t, c, "close-inside")
	p := createProcess(t, s)
	handles := []struct {
		name  string
		ref   wire.Ref
		set   func(EventOptions, EventCallback) error
		close func() error
		check func() error
	}{
		{"system", s.testRef(t), s.SetCallback, s.Close, func() error { return s.Start(NewOperation(nil, nil), "") }},
		{"process", p.testRef(t), p.SetCallback, p.Close, func() error { return p.GetInfo(NewOperation(nil, nil)) }},
	}
	for _, h := range handles {
		t.Run(h.name, func(t *testing.T) {
			returned := make(chan struct{})
			var calls atomic.Int32
			if err := h.set(EventOptionNone, func(Event) {
				if calls.Add(1) == 1 {
					h.close()
					close(returned)
				}
			}); err != nil {
				t.Fatal(err)
			}
			f.push(t, wire.Event{Handle: h.ref, Type: EventSystemCrashInitiated})
			waitClosed(t, returned, "Close called inside the handle's callback to return")
			wantCode(t, "a call on the closed handle", h.check(), hresult.ERROR_INVALID_HANDLE)
			f.push(t, wire.Event{Handle: h.ref, Type: EventSystemCrashReport})
			f.sync(t)
			if n := calls.Load(); n != 1 {
				t.Fatalf("the callback ran %d times", n)
			}
		})
	}
}
