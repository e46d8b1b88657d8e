package client

import (
	"context"
	"errors"
	"io"
	"os"
	"testing"
	"time"

	"github.com/linuxhcs/hcs/hresult"
	"github.com/linuxhcs/hcs/wire"
)

// stdioPipes are three pipes standing in for a process's stdio. The operation is handed the
// write ends; the test keeps the read ends and sees end-of-file once the client closed them.
type stdioPipes struct {
	readers [3]*os.File
	info    wire.ProcessInfo
}

func newStdioPipes(t *testing.T, pid uint32) *stdioPipes {
	t.Helper()
	sp := &stdioPipes{info: wire.ProcessInfo{ProcessID: pid}}
	writers := [3]**os.File{&sp.info.StdInput, &sp.info.StdOutput, &sp.info.StdError}
	for i := range sp.readers {
		r, w, err := os.Pipe()
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { r.Close(); w.Close() })
		sp.readers[i], *writers[i] = r, w
	}
	return sp
}

// waitAllClosed waits until the client closed all three write ends.
func (sp *stdioPipes) waitAllClosed(t *testing.T) {
	t.Helper()
	for i, r := range sp.readers {
		if err := r.SetReadDeadline(time.Now().Add(patience)); err != nil {
			t.Fatal(err)
		}
		var b [1]byte
		if _, err := r.Read(b[:]); err != io.EOF {
			t.Fatalf("stdio file %d: read gave %v, want end-of-file (the client must close it)", i, err)
		}
	}
}

// open reports whether none of the write ends has been closed.
func (sp *stdioPipes) open() bool {
	for _, f := range []*os.File{sp.info.StdInput, sp.info.StdOutput, sp.info.StdError} {
		if _, err := f.Write(nil); errors.Is(err, os.ErrClosed) {
			return false
		}
	}
	return true
}

func TestProcessInfoOnlyForCreateProcessAndGetProcessInfo(t *testing.T) {
	f, c := newTestClient(t)
	s := createSystem(t, c, "pinfo")
	p := createProcess(t, s)
	getters := map[string]func(op *Operation) (ProcessInformation, string, error){
		"ResultAndProcessInfo": func(op *Operation) (ProcessInformation, string, error) { return op.ResultAndProcessInfo() },
		"WaitAndProcessInfo": func(op *Operation) (ProcessInformation, string, error) {
			return op.WaitAndProcessInfo(testCtx(t))
		},
	}
	for name, get := range getters {
		t.Run(name, func(t *testing.T) {
			idle := NewOperation(nil, nil)
			defer idle.Close()
			_, _, err := get(idle)
			wantCode(t, "idle operation", err, hresult.HCS_E_OPERATION_NOT_STARTED)

			others := map[string]func(op *Operation) error{
				"Start":                func(op *Operation) error { return s.Start(op, "") },
				"Enumerate":            func(op *Operation) error { return c.EnumerateComputeSystems("", op) },
				"SignalProcess":        func(op *Operation) error { return p.Signal(op, signalDoc) },
				"GetProcessProperties": func(op *Operation) error { return p.GetProperties(op, "") },
			}
			for kind, call := range others {
				op := NewOperation(nil, nil)
				if err := call(op); err != nil {
					t.Fatal(err)
				}
				mustWait(t, op)
				_, _, err := get(op)
				wantCode(t, kind+" operation", err, hresult.E_INVALIDARG)
				op.Close()
			}

			created := newStdioPipes(t, 77)
			f.handle("CreateProcess", func(fakeCall) fakeReply { return fakeReply{Info: created.info} })
			op := NewOperation(nil, nil)
			defer op.Close()
			p2, err := s.CreateProcess(processDoc, op)
			if err != nil {
				t.Fatal(err)
			}
			defer p2.Close()
			mustWait(t, op)
			info, doc, err := get(op)
			if err != nil || doc != "" {
				t.Fatalf("CreateProcess: %q, %v", doc, err)
			}
			want := ProcessInformation{ProcessID: 77, StdInput: created.info.StdInput,
				StdOutput: created.info.StdOutput, StdError: created.info.StdError}
			if info != want {
				t.Fatalf("CreateProcess information %+v, want %+v", info, want)
			}
			if p2.ID() != 77 {
				t.Fatalf("process ID() = %d, want 77", p2.ID())
			}

			dup := newStdioPipes(t, 77)
			f.handle("ProcessInfo", func(fakeCall) fakeReply { return fakeReply{Info: dup.info} })
			if err := p2.GetInfo(op); err != nil {
				t.Fatal(err)
			}
			mustWait(t, op)
			info, _, err = get(op)
			if err != nil || info.ProcessID != 77 || info.StdInput != dup.info.StdInput ||
				info.StdOutput != dup.info.StdOutput || info.StdError != dup.info.StdError {
				t.Fatalf("GetProcessInfo information %+v, %v, want the service's", info, err)
			}
			if !created.open() || !dup.open() {
				t.Fatal("files in a completed result belong to the caller, yet the client closed them")
			}

			f.fail("ProcessInfo", hresult.New(hresult.HCS_E_PROCESS_ALREADY_STOPPED, "exited"))
			defer f.handle("ProcessInfo", nil)
			if err := p2.GetInfo(op); err != nil {
				t.Fatal(err)
			}
			wait(t, op)
			info, _, err = get(op)
			wantCode(t, "failed GetProcessInfo", err, hresult.HCS_E_PROCESS_ALREADY_STOPPED)
			if info != (ProcessInformation{}) {
				t.Fatalf("a failed call gave process information %+v", info)
			}
			f.handle("CreateProcess", nil)
		})
	}
}

func TestWaitAndProcessInfoTimeoutDoesNotCancel(t *testing.T) {
	f, c := newTestClient(t)
	s := createSystem(t, c, "pinfo-timeout")
	g := f.gate("CreateProcess")
	op := NewOperation(nil, nil)
	defer op.Close()
	p, err := s.CreateProcess(processDoc, op)
	if err != nil {
		t.Fatal(err)
	}
	defer p.Close()
	g.wait(t)
	ctx, cancel := context.WithTimeout(context.Background(), time.Millisecond)
	defer cancel()
	_, _, err = op.WaitAndProcessInfo(ctx)
	wantCode(t, "WaitAndProcessInfo", err, hresult.HCS_E_OPERATION_TIMEOUT)
	_, _, err = op.ResultAndProcessInfo()
	wantCode(t, "ResultAndProcessInfo while running", err, hresult.HCS_E_OPERATION_PENDING)
	g.open(t, fakeReply{Info: wire.ProcessInfo{ProcessID: 9}})
	info, _, err := op.WaitAndProcessInfo(testCtx(t))
	if err != nil || info.ProcessID != 9 {
		t.Fatalf("waiting again: %+v, %v", info, err)
	}
}
