package client

import (
	"sync"
	"testing"

	"github.com/linuxhcs/hcs/hresult"
)

func TestOperationCreateAndClose(t *testing.T) {
	f, c := newTestClient(t)
	op := NewOperation("context", nil)
	if op == nil {
		t.Fatal("NewOperation returned nil")
	}
	if got := op.Type(); got != OperationTypeNone {
		t.Fatalf("new operation: Type() = %v, want None", got)
	}
	op.Close()
	op.Close() // closing twice is harmless

	checks := map[string]func() error{
		"Result":               func() error { _, err := op.Result(); return err },
		"Wait":                 func() error { _, err := op.Wait(testCtx(t)); return err },
		"ResultAndProcessInfo": func() error { _, _, err := op.ResultAndProcessInfo(); return err },
		"WaitAndProcessInfo":   func() error { _, _, err := op.WaitAndProcessInfo(testCtx(t)); return err },
		"SetContext":           func() error { return op.SetContext(1) },
		"SetCallback":          func() error { return op.SetCallback(1, func(*Operation) {}) },
		"EnumerateComputeSystems": func() error {
			return c.EnumerateComputeSystems("", op)
		},
	}
	for name, check := range checks {
		wantCode(t, "closed operation: "+name, check(), hresult.ERROR_INVALID_HANDLE)
	}
	if n := len(f.callsTo("EnumerateSystems")); n != 0 {
		t.Fatalf("a closed operation reached the service %d times", n)
	}
}

func TestOperationContextGetAndSet(t *testing.T) {
	if got := NewOperation(nil, nil).Context(); got != nil {
		t.Fatalf("Context() = %v, want nil", got)
	}
	op := NewOperation("first", nil)
	defer op.Close()
	if got := op.Context(); got != "first" {
		t.Fatalf("Context() = %v, want the value given to NewOperation", got)
	}
	if err := op.SetContext("second"); err != nil {
		t.Fatal(err)
	}
	if got := op.Context(); got != "second" {
		t.Fatalf("after SetContext: Context() = %v, want second", got)
	}
	if err := op.SetCallback("third", func(*Operation) {}); err != nil {
		t.Fatal(err)
	}
	if got := op.Context(); got != "third" {
		t.Fatalf("after SetCallback: Context() = %v, want third", got)
	}
	if err := op.SetContext(nil); err != nil {
		t.Fatal(err)
	}
	if got := op.Context(); got != nil {
		t.Fatalf("after SetContext(nil): Context() = %v, want nil", got)
	}
}

func TestOperationContextPassedToCallback(t *testing.T) {
	_, c := newTestClient(t)
	seen := make(chan any, 2)
	op := NewOperation("created", func(op *Operation) { seen <- op.Context() })
	defer op.Close()
	if err := op.SetContext("replaced"); err != nil {
		t.Fatal(err)
	}
	if err := c.EnumerateComputeSystems("", op); err != nil {
		t.Fatal(err)
	}
	if got := recv(t, seen, "the completion callback"); got != "replaced" {
		t.Fatalf("callback saw context %v, want replaced", got)
	}
	mustWait(t, op)
	if err := op.SetCallback("via SetCallback", func(op *Operation) { seen <- op.Context() }); err != nil {
		t.Fatal(err)
	}
	if err := c.EnumerateComputeSystems("", op); err != nil {
		t.Fatal(err)
	}
	if got := recv(t, seen, "the completion callback"); got != "via SetCallback" {
		t.Fatalf("callback saw context %v, want the one given to SetCallback", got)
	}
}

func TestOperationTypeIsNoneUntilUsed(t *testing.T) {
	op := NewOperation(nil, nil)
	defer op.Close()
	if got := int32(op.Type()); got != -1 {
		t.Fatalf("Type() of an unused operation = %d, want -1 (HcsOperationTypeNone)", got)
	}
	if err := op.SetContext(1); err != nil {
		t.Fatal(err)
	}
	if got := int32(op.Type()); got != -1 {
		t.Fatalf("Type() after SetContext = %d, want -1", got)
	}
}

func TestOperationTypeIsTheFunctionsType(t *testing.T) {
	f, c := newTestClient(t)
	s := createSystem(t, c, "types")
	p := createProcess(t, s)
	cases := []struct {
		name   string
		want   int32 // spec HCS-API.md §2.1
		method string
		wireOp string
		call   func(t *testing.T, op *Operation) error
	}{
		{"Enumerate", 0, "EnumerateSystems", "", func(t *testing.T, op *Operation) error {
			return c.EnumerateComputeSystems("", op)
		}},
		{"Create", 1, "CreateSystem", "", func(t *testing.T, op *Operation) error {
			s2, err := c.CreateComputeSystem("types-created", systemDoc, op)
			if s2 != nil {
				t.Cleanup(func() { s2.Close() })
			}
			return err
		}},
		{"Start", 2, "SystemOp", "Start", func(t *testing.T, op *Operation) error { return s.Start(op, "") }},
		{"ShutDown", 3, "SystemOp", "ShutDown", func(t *testing.T, op *Operation) error { return s.ShutDown(op, "") }},
		{"Pause", 4, "SystemOp", "Pause", func(t *testing.T, op *Operation) error { return s.Pause(op, "") }},
		{"Resume", 5, "SystemOp", "Resume", func(t *testing.T, op *Operation) error { return s.Resume(op, "") }},
		{"Save", 6, "SystemOp", "Save", func(t *testing.T, op *Operation) error { return s.Save(op, "") }},
		{"Terminate", 7, "SystemOp", "Terminate", func(t *testing.T, op *Operation) error { return s.Terminate(op, "") }},
		{"Modify", 8, "ModifySystem", "", func(t *testing.T, op *Operation) error { return s.Modify(op, modifyDoc) }},
		{"GetProperties", 9, "SystemProperties", "", func(t *testing.T, op *Operation) error {
			return s.GetProperties(op, "")
		}},
		{"CreateProcess", 10, "CreateProcess", "", func(t *testing.T, op *Operation) error {
			p2, err := s.CreateProcess(processDoc, op)
			if p2 != nil {
				t.Cleanup(func() { p2.Close() })
			}
			return err
		}},
		{"SignalProcess", 11, "ProcessOp", "Signal", func(t *testing.T, op *Operation) error { return p.Signal(op, signalDoc) }},
		{"GetProcessInfo", 12, "ProcessInfo", "", func(t *testing.T, op *Operation) error { return p.GetInfo(op) }},
		{"GetProcessProperties", 13, "ProcessProperties", "", func(t *testing.T, op *Operation) error {
			return p.GetProperties(op, "")
		}},
		{"ModifyProcess", 14, "ModifyProcess", "", func(t *testing.T, op *Operation) error { return p.Modify(op, consoleDoc) }},
		{"Crash", 15, "SystemOp", "Crash", func(t *testing.T, op *Operation) error { return s.Crash(op, "") }},
		// HCS documents no type for HcsTerminateProcess; this package reports SignalProcess.
		{"TerminateProcess", 11, "ProcessOp", "Terminate", func(t *testing.T, op *Operation) error {
			return p.Terminate(op, "")
		}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			op := NewOperation(nil, nil)
			defer op.Close()
			before := len(f.callsTo(tc.method))
			if err := tc.call(t, op); err != nil {
				t.Fatal(err)
			}
			if got := int32(op.Type()); got != tc.want {
				t.Fatalf("Type() once the call was accepted = %d, want %d", got, tc.want)
			}
			mustWait(t, op)
			if got := int32(op.Type()); got != tc.want {
				t.Fatalf("Type() after completion = %d, want %d", got, tc.want)
			}
			calls := f.callsTo(tc.method)
			if len(calls) != before+1 || calls[len(calls)-1].Op != tc.wireOp {
				t.Fatalf("service calls of %s: %+v, want one more with op %q", tc.method, calls, tc.wireOp)
			}
		})
	}
}

func TestOperationIDsAreUnique(t *testing.T) {
	if got := (*Operation)(nil).ID(); got != InvalidOperationID {
		t.Fatalf("ID() of a nil operation = %#x, want HCS_INVALID_OPERATION_ID", got)
	}
	const workers, each = 16, 500
	ids := make(chan uint64, workers*each)
	var wg sync.WaitGroup
	for range workers {
		wg.Go(func() {
			for range each {
				op := NewOperation(nil, nil)
				ids <- op.ID()
				op.Close()
			}
		})
	}
	wg.Wait()
	close(ids)
	seen := map[uint64]bool{}
	for id := range ids {
		if id == InvalidOperationID || seen[id] {
			t.Fatalf("operation id %#x is invalid or repeated", id)
		}
		seen[id] = true
	}

	_, c := newTestClient(t)
	op := NewOperation(nil, nil)
	defer op.Close()
	id := op.ID()
	if err := c.EnumerateComputeSystems("", op); err != nil {
		t.Fatal(err)
	}
	mustWait(t, op)
	if op.ID() != id {
		t.Fatalf("ID() changed from %#x to %#x when the operation was used", id, op.ID())
	}
}

func TestOperationSystemAndProcessAssociation(t *testing.T) {
	f, c := newTestClient(t)
	s := createSystem(t, c, "assoc")
	p := createProcess(t, s)
	check := func(t *testing.T, op *Operation, wantS *System, wantP *Process) {
		t.Helper()
		if got := op.System(); got != wantS {
			t.Fatalf("System() = %p, want %p", got, wantS)
		}
		if got := op.Process(); got != wantP {
			t.Fatalf("Process() = %p, want %p", got, wantP)
		}
	}
	t.Run("idle", func(t *testing.T) {
		op := NewOperation(nil, nil)
		defer op.Close()
		check(t, op, nil, nil)
	})
	t.Run("system call", func(t *testing.T) {
		g := f.gate("SystemOp")
		defer f.handle("SystemOp", nil)
		op := NewOperation(nil, nil)
		defer op.Close()
		if err := s.Start(op, ""); err != nil {
			t.Fatal(err)
		}
		g.wait(t)
		check(t, op, s, nil) // running
		g.open(t, fakeReply{})
		mustWait(t, op)
		check(t, op, s, nil) // completed
	})
	t.Run("process call", func(t *testing.T) {
		op := NewOperation(nil, nil)
		defer op.Close()
		if err := p.Signal(op, signalDoc); err != nil {
			t.Fatal(err)
		}
		mustWait(t, op)
		check(t, op, s, p)
	})
	t.Run("CreateProcess gives the new process", func(t *testing.T) {
		op := NewOperation(nil, nil)
		defer op.Close()
		p2, err := s.CreateProcess(processDoc, op)
		if err != nil {
			t.Fatal(err)
		}
		defer p2.Close()
		check(t, op, s, p2)
		mustWait(t, op)
		check(t, op, s, p2)
	})
	t.Run("Create gives the new system", func(t *testing.T) {
		op := NewOperation(nil, nil)
		defer op.Close()
		s2, err := c.CreateComputeSystem("assoc-2", systemDoc, op)
		if err != nil {
			t.Fatal(err)
		}
		defer s2.Close()
		mustWait(t, op)
		check(t, op, s2, nil)
	})
	t.Run("Enumerate has no system", func(t *testing.T) {
		op := NewOperation(nil, nil)
		defer op.Close()
		if err := s.Start(op, ""); err != nil {
			t.Fatal(err)
		}
		mustWait(t, op)
		if err := c.EnumerateComputeSystems("", op); err != nil {
			t.Fatal(err)
		}
		mustWait(t, op)
		check(t, op, nil, nil)
	})
}
