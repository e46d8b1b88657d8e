package client

import (
	"strings"
	"sync/atomic"
	"testing"

	"github.com/linuxhcs/hcs/hresult"
)

func TestImmediateFailureIsReturnedAndHeldWithoutCallback(t *testing.T) {
	f, c := newTestClient(t)
	s := createSystem(t, c, "immediate")
	p := createProcess(t, s)
	closed := createSystem(t, c, "immediate-closed")
	closed.Close()
	cases := []struct {
		name string
		typ  OperationType
		code hresult.HRESULT
		call func(op *Operation) error
	}{
		{"missing configuration", OperationTypeCreate, hresult.E_INVALIDARG, func(op *Operation) error {
			_, err := c.CreateComputeSystem("no-doc", " ", op)
			return err
		}},
		{"invalid id", OperationTypeCreate, hresult.E_INVALIDARG, func(op *Operation) error {
			_, err := c.CreateComputeSystem("../x", systemDoc, op)
			return err
		}},
		{"closed handle", OperationTypeStart, hresult.ERROR_INVALID_HANDLE, func(op *Operation) error {
			return closed.Start(op, "")
		}},
		{"missing document", OperationTypeModify, hresult.E_INVALIDARG, func(op *Operation) error {
			return s.Modify(op, "")
		}},
		{"missing process parameters", OperationTypeCreateProcess, hresult.E_INVALIDARG, func(op *Operation) error {
			_, err := s.CreateProcess("", op)
			return err
		}},
		{"missing process modification", OperationTypeModifyProcess, hresult.E_INVALIDARG, func(op *Operation) error {
			return p.Modify(op, "")
		}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			before := f.callCount()
			var fired atomic.Int32
			op := NewOperation(nil, func(*Operation) { fired.Add(1) })
			defer op.Close()
			err := tc.call(op)
			wantCode(t, "the function", err, tc.code)
			if n := fired.Load(); n != 0 {
				t.Fatalf("the completion callback fired %d times for a call that was never started", n)
			}
			if n := f.callCount() - before; n != 0 {
				t.Fatalf("%d calls reached the service", n)
			}
			doc, rErr := op.Result()
			wantCode(t, "Result", rErr, tc.code)
			if re := parseResultError(t, doc); re.Error != tc.code.Int32() {
				t.Fatalf("ResultError.Error = %d, want %d", re.Error, tc.code.Int32())
			}
			_, wErr := op.Wait(testCtx(t))
			wantCode(t, "Wait", wErr, tc.code)
			if got := op.Type(); got != tc.typ {
				t.Fatalf("Type() = %v, want %v", got, tc.typ)
			}
		})
	}
}

func TestImmediateFailureOfCreateLeavesNoHandleOnTheOperation(t *testing.T) {
	_, c := newTestClient(t)
	op := NewOperation(nil, nil)
	defer op.Close()
	s, err := c.CreateComputeSystem("", systemDoc, op)
	wantCode(t, "CreateComputeSystem", err, hresult.E_INVALIDARG)
	if s != nil || op.System() != nil {
		t.Fatalf("a create that was never started left system handles %p and %p", s, op.System())
	}
	parent := createSystem(t, c, "no-handle")
	p, err := parent.CreateProcess("", op)
	wantCode(t, "CreateProcess", err, hresult.E_INVALIDARG)
	if p != nil || op.Process() != nil {
		t.Fatalf("a process creation that was never started left process handles %p and %p", p, op.Process())
	}
	if op.System() != parent {
		t.Fatalf("System() = %p, want the system the call was made on", op.System())
	}
}

func TestDocumentsGoToTheServiceUnreadAndItsVerdictIsTheResult(t *testing.T) {
	f, c := newTestClient(t)
	s := createSystem(t, c, "unread")
	p := createProcess(t, s)
	const bad = `{"Unreadable":`
	cases := []struct {
		method string
		call   func(op *Operation) error
	}{
		{"CreateSystem", func(op *Operation) error {
			sys, err := c.CreateComputeSystem("x", bad, op)
			if sys != nil {
				t.Cleanup(func() { sys.Close() })
			}
			return err
		}},
		{"CreateProcess", func(op *Operation) error {
			proc, err := s.CreateProcess(bad, op)
			if proc != nil {
				t.Cleanup(func() { proc.Close() })
			}
			return err
		}},
		{"SystemOp", func(op *Operation) error { return s.Start(op, bad) }},
		{"SystemProperties", func(op *Operation) error { return s.GetProperties(op, bad) }},
		{"ModifySystem", func(op *Operation) error { return s.Modify(op, bad) }},
		{"ProcessOp", func(op *Operation) error { return p.Signal(op, bad) }},
		{"ProcessProperties", func(op *Operation) error { return p.GetProperties(op, bad) }},
		{"ModifyProcess", func(op *Operation) error { return p.Modify(op, bad) }},
		{"EnumerateSystems", func(op *Operation) error { return c.EnumerateComputeSystems(bad, op) }},
	}
	for _, tc := range cases {
		t.Run(tc.method, func(t *testing.T) {
			verdict := hresult.New(hresult.HCS_E_INVALID_JSON, "Doc.Field: expected a number")
			f.fail(tc.method, verdict)
			op := NewOperation(nil, nil)
			defer op.Close()
			if err := tc.call(op); err != nil {
				t.Fatalf("the call itself failed: %v", err)
			}
			_, err := op.Wait(testCtx(t))
			wantCode(t, "Wait", err, hresult.HCS_E_INVALID_JSON)
			doc, _ := op.Result()
			if re := parseResultError(t, doc); !strings.Contains(re.ErrorMessage, "Doc.Field") {
				t.Fatalf("ResultError message %q is not the service's", re.ErrorMessage)
			}
			calls := f.callsTo(tc.method)
			if last := calls[len(calls)-1]; last.Doc != bad {
				t.Fatalf("the service got %q, want the caller's document unchanged", last.Doc)
			}
		})
	}
}

func TestSynchronousCallsReturnTheServiceVerdictOnDocuments(t *testing.T) {
	f, c := newTestClient(t)
	f.fail("ModifyServiceSettings", hresult.New(hresult.HCS_E_INVALID_JSON, "$.PropertyType: required"))
	err := c.ModifyServiceSettings(t.Context(), "{}")
	wantCode(t, "ModifyServiceSettings", err, hresult.HCS_E_INVALID_JSON)
	if !strings.Contains(err.Error(), "$.PropertyType") {
		t.Fatalf("error %q is not the service's", err)
	}
}
