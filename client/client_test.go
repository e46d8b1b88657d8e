package client

import (
	"context"
	"errors"
	"io"
	"strings"
	"testing"

	"github.com/linuxhcs/hcs/hresult"
	"github.com/linuxhcs/hcs/wire"
)

// callsOnClient are calls that need the client and a system and process handle; each returns
// its error.
func callsOnClient(c *Client, s *System, p *Process) map[string]func() error {
	return map[string]func() error{
		"CreateComputeSystem": func() error {
			_, err := c.CreateComputeSystem("another", systemDoc, NewOperation(nil, nil))
			return err
		},
		"OpenComputeSystem": func() error {
			_, err := c.OpenComputeSystem(testCtxBackground(), "another", GenericAll)
			return err
		},
		"EnumerateComputeSystems": func() error { return c.EnumerateComputeSystems("", NewOperation(nil, nil)) },
		"GetServiceProperties":    func() error { _, err := c.GetServiceProperties(testCtxBackground(), ""); return err },
		"Start":                   func() error { return s.Start(NewOperation(nil, nil), "") },
		"System.SetCallback":      func() error { return s.SetCallback(EventOptionNone, func(Event) {}) },
		"System.WaitForExit":      func() error { _, err := s.WaitForExit(testCtxBackground()); return err },
		"CreateProcess": func() error {
			_, err := s.CreateProcess(processDoc, NewOperation(nil, nil))
			return err
		},
		"OpenProcess":         func() error { _, err := s.OpenProcess(testCtxBackground(), 1, GenericAll); return err },
		"Signal":              func() error { return p.Signal(NewOperation(nil, nil), signalDoc) },
		"Process.SetCallback": func() error { return p.SetCallback(EventOptionNone, func(Event) {}) },
		"Process.WaitForExit": func() error { _, err := p.WaitForExit(testCtxBackground()); return err },
	}
}

// testCtxBackground is a context for calls that must fail at once.
func testCtxBackground() context.Context { return context.Background() }

func TestServiceDisconnectNotifiesHandlesAndFailsLaterCalls(t *testing.T) {
	f, c := newTestClient(t)
	s := createSystem(t, c, "disconnect")
	quiet := createSystem(t, c, "disconnect-quiet") // no callback: nothing to notify
	p := createProcess(t, s)
	sysRec, procRec := newEventRecorder(), newEventRecorder()
	if err := s.SetCallback(EventOptionNone, sysRec.callback); err != nil {
		t.Fatal(err)
	}
	if err := p.SetCallback(EventOptionNone, procRec.callback); err != nil {
		t.Fatal(err)
	}
	g := f.gate("SystemOp")
	inFlight := NewOperation(nil, nil)
	defer inFlight.Close()
	if err := quiet.Start(inFlight, ""); err != nil {
		t.Fatal(err)
	}
	g.wait(t)
	waiting := make(chan error, 1)
	go func() {
		_, err := quiet.WaitForExit(context.Background())
		waiting <- err
	}()

	f.disconnect()
	sysRec.expect(t, EventServiceDisconnect)
	procRec.expect(t, EventServiceDisconnect)
	wantCode(t, "a WaitForExit that was waiting", recv(t, waiting, "WaitForExit to return"), hresult.HCS_E_SERVICE_DISCONNECT)

	// The transport fails the call that was in flight; the operation reports the disconnect.
	g.open(t, fakeReply{Err: io.ErrUnexpectedEOF})
	_, err := wait(t, inFlight)
	wantCode(t, "the call in flight", err, hresult.HCS_E_SERVICE_DISCONNECT)

	before := f.callCount()
	for name, call := range callsOnClient(c, s, p) {
		wantCode(t, name+" after the disconnect", call(), hresult.HCS_E_SERVICE_DISCONNECT)
	}
	if n := f.callCount() - before; n != 0 {
		t.Fatalf("%d calls reached the service after the disconnect", n)
	}
	op := NewOperation(nil, nil)
	defer op.Close()
	_ = s.Pause(op, "")
	_, err = op.Result()
	wantCode(t, "the operation of a call after the disconnect", err, hresult.HCS_E_SERVICE_DISCONNECT)
	sysRec.none(t)
	procRec.none(t)
}

func TestClientCloseDoesNotProduceServiceDisconnect(t *testing.T) {
	_, c := newTestClient(t)
	s := createSystem(t, c, "client-close")
	p := createProcess(t, s)
	sysRec, procRec := newEventRecorder(), newEventRecorder()
	if err := s.SetCallback(EventOptionNone, sysRec.callback); err != nil {
		t.Fatal(err)
	}
	if err := p.SetCallback(EventOptionNone, procRec.callback); err != nil {
		t.Fatal(err)
	}
	if err := c.Close(); err != nil {
		t.Fatal(err)
	}
	// The event pump has seen the end of the stream; a disconnect would be queued by now.
	waitClosed(t, c.disconnected, "the event pump to stop")
	for _, q := range []*eventQueue{&s.h.events, &p.h.events} {
		q.mu.Lock()
		pending := len(q.pending)
		q.mu.Unlock()
		if pending != 0 {
			t.Fatalf("%d events were queued by Client.Close", pending)
		}
	}
	sysRec.none(t)
	procRec.none(t)
}

func TestHandlesAfterClientCloseAreInvalid(t *testing.T) {
	f, c := newTestClient(t)
	s := createSystem(t, c, "after-close")
	p := createProcess(t, s)
	waiting := make(chan error, 1)
	go func() {
		_, err := s.WaitForExit(context.Background())
		waiting <- err
	}()
	if err := c.Close(); err != nil {
		t.Fatal(err)
	}
	if err := c.Close(); err != nil {
		t.Fatalf("closing the client twice: %v", err)
	}
	waitClosed(t, c.disconnected, "the event pump to stop")
	wantCode(t, "a WaitForExit that was waiting", recv(t, waiting, "WaitForExit to return"), hresult.ERROR_INVALID_HANDLE)
	before := f.callCount()
	for name, call := range callsOnClient(c, s, p) {
		wantCode(t, name+" after Client.Close", call(), hresult.ERROR_INVALID_HANDLE)
	}
	if n := f.callCount() - before; n != 0 {
		t.Fatalf("%d calls reached the service after Client.Close", n)
	}
}

func TestClosedHandleCallsFailInvalidHandle(t *testing.T) {
	f, c := newTestClient(t)
	s := createSystem(t, c, "closed-handle")
	p := createProcess(t, s)
	sref, pref := s.testRef(t), p.testRef(t)
	if err := p.Close(); err != nil {
		t.Fatal(err)
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	p.Close()
	s.Close() // twice is harmless
	calls := callsOnClient(c, s, p)
	for _, name := range []string{"Start", "System.SetCallback", "System.WaitForExit", "CreateProcess", "OpenProcess",
		"Signal", "Process.SetCallback", "Process.WaitForExit"} {
		wantCode(t, name+" on a closed handle", calls[name](), hresult.ERROR_INVALID_HANDLE)
	}
	if got := f.callsTo("CloseSystem"); len(got) != 1 || got[0].Ref != sref {
		t.Fatalf("CloseSystem calls %+v, want one for %d", got, sref)
	}
	if got := f.callsTo("CloseProcess"); len(got) != 1 || got[0].Ref != pref {
		t.Fatalf("CloseProcess calls %+v, want one for %d", got, pref)
	}
}

func TestOpenComputeSystemRequiresGenericAll(t *testing.T) {
	f, c := newTestClient(t)
	for _, access := range []uint32{0, 0x1, 0x80000000, GenericAll | 0x1, 0x001F0000} {
		_, err := c.OpenComputeSystem(testCtxBackground(), "Sample", access)
		wantCode(t, "OpenComputeSystem with access "+hresult.HRESULT(access).String(), err, hresult.E_INVALIDARG)
	}
	if n := len(f.callsTo("OpenSystem")); n != 0 {
		t.Fatalf("%d opens with a bad access mask reached the service", n)
	}
	s, err := c.OpenComputeSystem(testCtxBackground(), "Sample", 0x10000000)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if got := f.callsTo("OpenSystem"); len(got) != 1 || got[0].ID != "Sample" || s.ID() != "Sample" {
		t.Fatalf("OpenSystem calls %+v, handle id %q", got, s.ID())
	}
}

func TestSystemIDIsValidated(t *testing.T) {
	f, c := newTestClient(t)
	for _, id := range []string{"../x", "", "a/b", "/", "..", ".", `a\b`, "a\x00b", "a\nb", strings.Repeat("x", 256)} {
		_, err := c.OpenComputeSystem(testCtxBackground(), id, GenericAll)
		wantCode(t, "OpenComputeSystem("+id+")", err, hresult.E_INVALIDARG)
		op := NewOperation(nil, nil)
		_, err = c.CreateComputeSystem(id, systemDoc, op)
		wantCode(t, "CreateComputeSystem("+id+")", err, hresult.E_INVALIDARG)
		op.Close()
	}
	if n := f.callCount(); n != 0 {
		t.Fatalf("%d calls with an invalid id reached the service", n)
	}
	for _, id := range []string{"Sample", "0f3c1e4a-6b8d-4a3e-9c1f-2b7d5e8a9c10", strings.Repeat("x", 255)} {
		s, err := c.OpenComputeSystem(testCtxBackground(), id, GenericAll)
		if err != nil {
			t.Fatalf("OpenComputeSystem(%q): %v", id, err)
		}
		s.Close()
	}
}

func TestCallsOnAFailedCreationFailSystemNotFound(t *testing.T) {
	f, c := newTestClient(t)
	f.fail("CreateSystem", hresult.New(hresult.HCS_E_SYSTEM_ALREADY_EXISTS, "id taken"))
	op := NewOperation(nil, nil)
	defer op.Close()
	s, err := c.CreateComputeSystem("taken", systemDoc, op)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	_, err = wait(t, op)
	wantCode(t, "the creation", err, hresult.HCS_E_SYSTEM_ALREADY_EXISTS)
	if err := s.Start(op, ""); err != nil {
		t.Fatal(err)
	}
	_, err = wait(t, op)
	wantCode(t, "Start on the failed system", err, hresult.HCS_E_SYSTEM_NOT_FOUND)
	if !errors.Is(err, hresult.HCS_E_SYSTEM_ALREADY_EXISTS) {
		t.Fatalf("%v does not wrap the creation error", err)
	}
	if n := len(f.callsTo("SystemOp")); n != 0 {
		t.Fatalf("%d calls on the failed system reached the service", n)
	}
	_, err = s.WaitForExit(testCtx(t))
	wantCode(t, "WaitForExit on the failed system", err, hresult.HCS_E_SYSTEM_NOT_FOUND)
}

// TestEventsOfUnknownHandlesAreIgnored checks that events for handles the client does not
// know (closed a moment ago, or never its own) are dropped without disturbing others.
func TestEventsOfUnknownHandlesAreIgnored(t *testing.T) {
	f, c := newTestClient(t)
	s := createSystem(t, c, "unknown")
	rec := newEventRecorder()
	if err := s.SetCallback(EventOptionNone, rec.callback); err != nil {
		t.Fatal(err)
	}
	for i := range 100 {
		f.push(t, wire.Event{Handle: unknownRef + wire.Ref(i), Type: EventSystemExited})
	}
	f.push(t, wire.Event{Handle: s.testRef(t), Type: EventSystemCrashReport})
	rec.expect(t, EventSystemCrashReport)
}

func TestHandleClosedDuringCreationIsReleasedWhenCreated(t *testing.T) {
	f, c := newTestClient(t)
	g := f.gate("CreateSystem")
	op := NewOperation(nil, nil)
	defer op.Close()
	s, err := c.CreateComputeSystem("closed-early", systemDoc, op)
	if err != nil {
		t.Fatal(err)
	}
	created := g.wait(t)
	s.Close() // returns without waiting for the creation
	g.open(t, fakeReply{})
	mustWait(t, op) // the creation itself succeeded
	if got := f.callsTo("CloseSystem"); len(got) != 1 || got[0].Ref != created.NewRef {
		t.Fatalf("CloseSystem calls %+v, want one for the new handle %d", got, created.NewRef)
	}
	wantCode(t, "Start on the closed handle", s.Start(NewOperation(nil, nil), ""), hresult.ERROR_INVALID_HANDLE)

	// A creation that failed leaves nothing to release.
	f.fail("CreateSystem", hresult.New(hresult.HCS_E_INVALID_JSON, "bad"))
	s2, err := c.CreateComputeSystem("failed-early", systemDoc, op)
	if err != nil {
		t.Fatal(err)
	}
	s2.Close()
	wait(t, op)
	if got := f.callsTo("CloseSystem"); len(got) != 1 {
		t.Fatalf("CloseSystem calls %+v after a failed creation", got)
	}
}

// A call takes its handle when it is made: closing the handle while the call runs neither
// fails the call nor lets the service forget the handle before the call is answered.
func TestHandleClosedDuringACallIsReleasedWhenTheCallIsDone(t *testing.T) {
	f, c := newTestClient(t)
	s := createSystem(t, c, "closed-during-call")
	g := f.gate("SystemOp")
	op := NewOperation(nil, nil)
	defer op.Close()
	if err := s.Start(op, ""); err != nil {
		t.Fatal(err)
	}
	s.Close()
	started := g.wait(t)
	if got := f.callsTo("CloseSystem"); len(got) != 0 {
		t.Fatalf("CloseSystem sent while a call on the handle ran: %+v", got)
	}
	g.open(t, fakeReply{})
	mustWait(t, op)
	if got := f.callsTo("CloseSystem"); len(got) != 1 || got[0].Ref != started.Ref {
		t.Fatalf("CloseSystem calls %+v, want one for handle %d once the call was done", got, started.Ref)
	}
}

// OpenProcess holds its system handle too: the system handle closed while the call runs
// is released only once the process is opened.
func TestSystemClosedDuringOpenProcessIsReleasedWhenItIsDone(t *testing.T) {
	f, c := newTestClient(t)
	s := createSystem(t, c, "closed-during-open")
	g := f.gate("OpenProcess")
	type result struct {
		p   *Process
		err error
	}
	opened := make(chan result, 1)
	go func() {
		p, err := s.OpenProcess(context.Background(), 7, GenericAll)
		opened <- result{p, err}
	}()
	started := g.wait(t)
	s.Close()
	if got := f.callsTo("CloseSystem"); len(got) != 0 {
		t.Fatalf("CloseSystem sent while OpenProcess ran: %+v", got)
	}
	g.open(t, fakeReply{})
	r := <-opened
	if r.err != nil {
		t.Fatalf("OpenProcess with its system handle closed meanwhile: %v", r.err)
	}
	r.p.Close()
	if got := f.callsTo("CloseSystem"); len(got) != 1 || got[0].Ref != started.Ref {
		t.Fatalf("CloseSystem calls %+v, want one for handle %d once OpenProcess was done", got, started.Ref)
	}
}
