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
	closed := createSystem(t, c, "immediate-closed")
	closed.Close()
	cases := []struct {
		name string
		typ  OperationType
		code hresult.HRESULT
		call func(op *Operation) error
	}{
		{"bad JSON", OperationTypeCreate, hresult.HCS_E_INVALID_JSON, func(op *Operation) error {
			_, err := c.CreateComputeSystem("bad-json", `{"SchemaVersion":{"Major":"two","Minor":1},"Container":{}}`, op)
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
		{"bad process parameters", OperationTypeCreateProcess, hresult.HCS_E_INVALID_JSON, func(op *Operation) error {
			_, err := s.CreateProcess(`{"CommandArgs":"/bin/true"}`, op)
			return err
		}},
		{"bad reserved options", OperationTypeStart, hresult.HCS_E_INVALID_JSON, func(op *Operation) error {
			return s.Start(op, "{")
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

func TestBadJSONGivesInvalidJSONNamingTheField(t *testing.T) {
	_, c := newTestClient(t)
	s := createSystem(t, c, "badjson")
	p := createProcess(t, s)
	cases := []struct {
		name, field string
		call        func(op *Operation) error
	}{
		{"ComputeSystem", "ComputeSystem.SchemaVersion.Major", func(op *Operation) error {
			_, err := c.CreateComputeSystem("x", `{"SchemaVersion":{"Major":"two","Minor":1},"Container":{}}`, op)
			return err
		}},
		{"ComputeSystem not JSON", "ComputeSystem", func(op *Operation) error {
			_, err := c.CreateComputeSystem("x", `{`, op)
			return err
		}},
		{"ProcessParameters", "ProcessParameters.CommandArgs", func(op *Operation) error {
			_, err := s.CreateProcess(`{"CommandArgs":"/bin/true"}`, op)
			return err
		}},
		{"ModifySettingRequest", "ModifySettingRequest.ResourcePath", func(op *Operation) error {
			return s.Modify(op, `{"ResourcePath":5}`)
		}},
		{"SignalProcessOptions", "SignalProcessOptions.Signal", func(op *Operation) error {
			return p.Signal(op, `{"Signal":"NOPE"}`)
		}},
		{"ProcessModifyRequest", "ProcessModifyRequest.ConsoleSize", func(op *Operation) error {
			return p.Modify(op, `{"Operation":"ConsoleSize"}`)
		}},
		{"SystemQuery", "SystemQuery.Ids", func(op *Operation) error {
			return c.EnumerateComputeSystems(`{"Ids":"x"}`, op)
		}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			op := NewOperation(nil, nil)
			defer op.Close()
			err := tc.call(op)
			wantCode(t, "the function", err, hresult.HCS_E_INVALID_JSON)
			if !strings.Contains(err.Error(), tc.field) {
				t.Fatalf("error %q does not name %s", err, tc.field)
			}
			doc, _ := op.Result()
			if re := parseResultError(t, doc); !strings.Contains(re.ErrorMessage, tc.field) {
				t.Fatalf("ResultError message %q does not name %s", re.ErrorMessage, tc.field)
			}
		})
	}
}
