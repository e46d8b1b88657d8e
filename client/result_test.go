package client

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/linuxhcs/hcs/hresult"
)

func TestOperationResultDocumentIsTheServices(t *testing.T) {
	f, c := newTestClient(t)
	s := createSystem(t, c, "docs")
	p := createProcess(t, s)
	const props = `{"Id":"docs","SystemType":"Container","State":"Running"}`
	const list = `[{"Id":"docs","SystemType":"Container"}]`
	const status = `{"ProcessId":4002,"Exited":false}`
	f.handle("SystemProperties", func(fakeCall) fakeReply { return fakeReply{Doc: props} })
	f.handle("EnumerateSystems", func(fakeCall) fakeReply { return fakeReply{Doc: list} })
	f.handle("ProcessProperties", func(fakeCall) fakeReply { return fakeReply{Doc: status} })
	cases := []struct {
		name string
		call func(op *Operation) error
		want string
	}{
		{"GetProperties", func(op *Operation) error { return s.GetProperties(op, `{"PropertyTypes":["Memory"]}`) }, props},
		{"Enumerate", func(op *Operation) error { return c.EnumerateComputeSystems("", op) }, list},
		{"GetProcessProperties", func(op *Operation) error { return p.GetProperties(op, "") }, status},
		{"Start (no document)", func(op *Operation) error { return s.Start(op, "") }, ""},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			op := NewOperation(nil, nil)
			defer op.Close()
			if err := tc.call(op); err != nil {
				t.Fatal(err)
			}
			if doc := mustWait(t, op); doc != tc.want {
				t.Fatalf("Wait document %q, want %q", doc, tc.want)
			}
			for range 2 { // every read returns the document
				if doc, err := op.Result(); err != nil || doc != tc.want {
					t.Fatalf("Result() = %q, %v, want %q", doc, err, tc.want)
				}
			}
		})
	}
}

func TestOperationFailureGivesErrorAndResultErrorDocument(t *testing.T) {
	f, c := newTestClient(t)
	s := createSystem(t, c, "fails")
	cases := []struct {
		name      string
		err       error
		code      hresult.HRESULT
		int32Code int32
		events    bool
	}{
		{"HRESULT error", hresult.New(hresult.HCS_E_INVALID_STATE, "Start: the system is running"),
			hresult.HCS_E_INVALID_STATE, -2143878907, false},
		{"error with events", &hresult.Error{Code: hresult.HCS_E_SYSTEM_ALREADY_STOPPED, Message: "stopped",
			Events: []byte(`[{"Message":"the guest is gone"}]`)},
			hresult.HCS_E_SYSTEM_ALREADY_STOPPED, -2143878896, true},
		{"plain Go error", errors.New("boom"), hresult.E_FAIL, -2147467259, false},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			f.fail("SystemOp", tc.err)
			defer f.handle("SystemOp", nil)
			op := NewOperation(nil, nil)
			defer op.Close()
			if err := s.Start(op, ""); err != nil {
				t.Fatalf("Start returned %v; a failure of the call belongs to the operation", err)
			}
			doc, err := wait(t, op)
			wantCode(t, "Wait", err, tc.code)
			rDoc, rErr := op.Result()
			wantCode(t, "Result", rErr, tc.code)
			if rDoc != doc {
				t.Fatalf("Result document %q differs from Wait's %q", rDoc, doc)
			}
			re := parseResultError(t, doc)
			if re.Error != tc.int32Code || re.Error >= 0 {
				t.Fatalf("ResultError.Error = %d, want %d", re.Error, tc.int32Code)
			}
			if re.ErrorMessage == "" {
				t.Fatalf("ResultError %q has no ErrorMessage", doc)
			}
			if tc.events != (len(re.ErrorEvents) > 0) {
				t.Fatalf("ResultError %q: ErrorEvents present = %v, want %v", doc, len(re.ErrorEvents) > 0, tc.events)
			}
		})
	}
}

func TestWaitTimeoutReturnsOperationTimeoutAndDoesNotCancel(t *testing.T) {
	f, c := newTestClient(t)
	s := createSystem(t, c, "timeout")
	g := f.gate("SystemOp")
	op := NewOperation(nil, nil)
	defer op.Close()
	if err := s.Start(op, ""); err != nil {
		t.Fatal(err)
	}
	call := g.wait(t)
	ctx, cancel := context.WithTimeout(context.Background(), time.Millisecond)
	defer cancel()
	_, err := op.Wait(ctx)
	wantCode(t, "Wait with a timeout", err, hresult.HCS_E_OPERATION_TIMEOUT)
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("timeout error %v does not match context.DeadlineExceeded", err)
	}
	_, err = op.Result()
	wantCode(t, "Result after the timeout", err, hresult.HCS_E_OPERATION_PENDING)
	if call.Ctx.Err() != nil {
		t.Fatalf("the service call was cancelled by the wait timeout: %v", call.Ctx.Err())
	}
	g.open(t, fakeReply{Err: hresult.New(hresult.HCS_E_INVALID_STATE, "late failure")})
	_, err = wait(t, op)
	wantCode(t, "waiting again", err, hresult.HCS_E_INVALID_STATE)
}

func TestWaitWithEndedContextReportsACompletedCall(t *testing.T) {
	f, c := newTestClient(t)
	s := createSystem(t, c, "poll")
	f.handle("SystemProperties", func(fakeCall) fakeReply { return fakeReply{Doc: `{"Id":"poll"}`} })
	op := NewOperation(nil, nil)
	defer op.Close()
	if err := s.GetProperties(op, ""); err != nil {
		t.Fatal(err)
	}
	mustWait(t, op)
	// A wait whose time is already up is a poll: a completed call reports its result.
	for i := range 200 {
		doc, err := op.Wait(expiredCtx())
		if err != nil || doc != `{"Id":"poll"}` {
			t.Fatalf("poll %d of a completed operation: %q, %v", i, doc, err)
		}
	}
}

func TestWaitAndResultOnIdleOperationReturnNotStarted(t *testing.T) {
	op := NewOperation(nil, nil)
	defer op.Close()
	_, err := op.Result()
	wantCode(t, "Result", err, hresult.HCS_E_OPERATION_NOT_STARTED)
	_, err = op.Wait(testCtx(t))
	wantCode(t, "Wait", err, hresult.HCS_E_OPERATION_NOT_STARTED)
	_, err = op.Wait(expiredCtx())
	wantCode(t, "Wait with an ended context", err, hresult.HCS_E_OPERATION_NOT_STARTED)
}

func TestResultWhileRunningReturnsPending(t *testing.T) {
	f, c := newTestClient(t)
	s := createSystem(t, c, "pending")
	g := f.gate("SystemProperties")
	op := NewOperation(nil, nil)
	defer op.Close()
	if err := s.GetProperties(op, ""); err != nil {
		t.Fatal(err)
	}
	g.wait(t)
	doc, err := op.Result()
	wantCode(t, "Result while running", err, hresult.HCS_E_OPERATION_PENDING)
	if doc != "" {
		t.Fatalf("Result while running gave document %q", doc)
	}
	g.open(t, fakeReply{Doc: `{"Id":"pending"}`})
	mustWait(t, op)
}

func TestStartingCallWithRunningOperationFailsAlreadyStarted(t *testing.T) {
	f, c := newTestClient(t)
	s := createSystem(t, c, "busy")
	g := f.gate("SystemOp")
	fired := make(chan struct{}, 8)
	op := NewOperation(nil, func(*Operation) { fired <- struct{}{} })
	defer op.Close()
	if err := s.Start(op, ""); err != nil {
		t.Fatal(err)
	}
	g.wait(t)
	second := map[string]func() error{
		"Pause":     func() error { return s.Pause(op, "") },
		"Enumerate": func() error { return c.EnumerateComputeSystems("", op) },
		"CreateComputeSystem": func() error {
			s2, err := c.CreateComputeSystem("busy-2", systemDoc, op)
			if s2 != nil {
				t.Error("CreateComputeSystem returned a handle although the operation is busy")
			}
			return err
		},
		"CreateProcess": func() error {
			p, err := s.CreateProcess(processDoc, op)
			if p != nil {
				t.Error("CreateProcess returned a handle although the operation is busy")
			}
			return err
		},
	}
	for name, call := range second {
		wantCode(t, name+" with a running operation", call(), hresult.HCS_E_OPERATION_ALREADY_STARTED)
	}
	// A missing document is still reported as such, and leaves the running call alone.
	wantCode(t, "Modify without a document", s.Modify(op, ""), hresult.E_INVALIDARG)

	if got := op.Type(); got != OperationTypeStart {
		t.Fatalf("Type() = %v after the rejected calls, want Start", got)
	}
	if op.System() != s {
		t.Fatal("System() changed after the rejected calls")
	}
	_, err := op.Result()
	wantCode(t, "Result of the first call", err, hresult.HCS_E_OPERATION_PENDING)
	g.open(t, fakeReply{})
	mustWait(t, op)
	if n := f.callCount() - len(f.callsTo("CreateSystem")) - len(f.callsTo("SystemOp")); n != 0 {
		t.Fatalf("rejected calls reached the service: %d calls", n)
	}
	if n := len(f.callsTo("SystemOp")); n != 1 {
		t.Fatalf("SystemOp calls = %d, want only the first call", n)
	}
	if n := len(f.callsTo("CreateSystem")); n != 1 {
		t.Fatalf("CreateSystem calls = %d, want only the one that made the system", n)
	}
	recv(t, fired, "the first call's completion callback")
}

// TestOperationReuseAfterCompletion follows Microsoft's sample: one operation for
// Create, Start, GetProperties and Terminate, waiting after each.
func TestOperationReuseAfterCompletion(t *testing.T) {
	f, c := newTestClient(t)
	f.handle("SystemProperties", func(fakeCall) fakeReply { return fakeReply{Doc: `{"Id":"Sample"}`} })
	op := NewOperation(nil, nil)
	defer op.Close()
	s, err := c.CreateComputeSystem("Sample", systemDoc, op)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	steps := []struct {
		call    func() error
		typ     OperationType
		doc     string
		errCode hresult.HRESULT
	}{
		{nil, OperationTypeCreate, "", 0},
		{func() error { return s.Start(op, "") }, OperationTypeStart, "", 0},
		{func() error { return s.GetProperties(op, "") }, OperationTypeGetProperties, `{"Id":"Sample"}`, 0},
		{func() error {
			f.fail("SystemOp", hresult.New(hresult.HCS_E_INVALID_STATE, "not paused"))
			return s.Save(op, "")
		}, OperationTypeSave, "", hresult.HCS_E_INVALID_STATE},
		{func() error {
			f.handle("SystemOp", nil)
			return s.Terminate(op, "")
		}, OperationTypeTerminate, "", 0},
	}
	for i, st := range steps {
		if st.call != nil {
			if err := st.call(); err != nil {
				t.Fatalf("step %d: %v", i, err)
			}
		}
		doc, err := wait(t, op)
		if st.errCode != 0 {
			wantCode(t, "failing step", err, st.errCode)
		} else if err != nil || doc != st.doc {
			t.Fatalf("step %d (%v): %q, %v, want %q", i, st.typ, doc, err, st.doc)
		}
		if got := op.Type(); got != st.typ {
			t.Fatalf("step %d: Type() = %v, want %v", i, got, st.typ)
		}
	}
}

func TestCancelReturnsNotImplementedAndCallContinues(t *testing.T) {
	f, c := newTestClient(t)
	s := createSystem(t, c, "cancel")
	op := NewOperation(nil, nil)
	defer op.Close()
	wantCode(t, "Cancel of an idle operation", op.Cancel(), hresult.E_NOTIMPL)
	g := f.gate("SystemOp")
	if err := s.ShutDown(op, ""); err != nil {
		t.Fatal(err)
	}
	call := g.wait(t)
	wantCode(t, "Cancel of a running operation", op.Cancel(), hresult.E_NOTIMPL)
	_, err := op.Result()
	wantCode(t, "Result after Cancel", err, hresult.HCS_E_OPERATION_PENDING)
	if call.Ctx.Err() != nil {
		t.Fatalf("Cancel cancelled the service call: %v", call.Ctx.Err())
	}
	g.open(t, fakeReply{})
	mustWait(t, op)
}
