package client

import (
	"context"
	"testing"
	"time"

	"github.com/linuxhcs/hcs/hresult"
)

func TestDoRunsOneCallAndReturnsItsResult(t *testing.T) {
	f, c := newTestClient(t)
	s := createSystem(t, c, "do")
	f.handle("SystemProperties", func(fakeCall) fakeReply { return fakeReply{Doc: `{"Id":"do"}`} })
	doc, err := Do(testCtx(t), func(op *Operation) error { return s.GetProperties(op, "") })
	if err != nil || doc != `{"Id":"do"}` {
		t.Fatalf("Do(GetProperties) = %q, %v", doc, err)
	}

	f.fail("SystemOp", hresult.New(hresult.HCS_E_INVALID_STATE, "not running"))
	doc, err = Do(testCtx(t), func(op *Operation) error { return s.Pause(op, "") })
	wantCode(t, "Do with a failing call", err, hresult.HCS_E_INVALID_STATE)
	if re := parseResultError(t, doc); re.Error != hresult.HCS_E_INVALID_STATE.Int32() {
		t.Fatalf("Do failure document %q", doc)
	}

	before := f.callCount()
	_, err = Do(testCtx(t), func(op *Operation) error { return s.Modify(op, "") })
	wantCode(t, "Do with a missing document", err, hresult.E_INVALIDARG)
	if f.callCount() != before {
		t.Fatal("an immediately failing call reached the service")
	}

	g := f.gate("SystemOp")
	ctx, cancel := context.WithTimeout(context.Background(), time.Millisecond)
	defer cancel()
	_, err = Do(ctx, func(op *Operation) error { return s.Terminate(op, "") })
	wantCode(t, "Do with a timeout", err, hresult.HCS_E_OPERATION_TIMEOUT)
	call := g.wait(t)
	if call.Op != "Terminate" || call.Ctx.Err() != nil {
		t.Fatalf("the service call %+v was cancelled or is not the Terminate", call)
	}
	g.open(t, fakeReply{}) // the call still completes; its result is discarded
}

func TestDoProcessReturnsTheProcessInformation(t *testing.T) {
	f, c := newTestClient(t)
	s := createSystem(t, c, "doprocess")
	stdio := newStdioPipes(t, 31)
	f.handle("CreateProcess", func(fakeCall) fakeReply { return fakeReply{Info: stdio.info} })
	var p *Process
	info, _, err := DoProcess(testCtx(t), func(op *Operation) error {
		var err error
		p, err = s.CreateProcess(processDoc, op)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	defer p.Close()
	if info.ProcessID != 31 || info.StdInput != stdio.info.StdInput || info.StdOutput != stdio.info.StdOutput ||
		info.StdError != stdio.info.StdError {
		t.Fatalf("DoProcess(CreateProcess) information %+v", info)
	}
	if !stdio.open() {
		t.Fatal("DoProcess closed the files it returned")
	}

	f.handle("ProcessInfo", func(fakeCall) fakeReply { return fakeReply{Info: stdio.info} })
	info, _, err = DoProcess(testCtx(t), p.GetInfo)
	if err != nil || info.ProcessID != 31 {
		t.Fatalf("DoProcess(GetInfo) = %+v, %v", info, err)
	}

	_, _, err = DoProcess(testCtx(t), func(op *Operation) error { return p.Signal(op, signalDoc) })
	wantCode(t, "DoProcess with a call that yields no process information", err, hresult.E_INVALIDARG)

	// A process created after DoProcess gave up: its stdio files are closed, not leaked.
	g := f.gate("CreateProcess")
	late := newStdioPipes(t, 32)
	ctx, cancel := context.WithTimeout(context.Background(), time.Millisecond)
	defer cancel()
	_, _, err = DoProcess(ctx, func(op *Operation) error {
		p2, err := s.CreateProcess(processDoc, op)
		if p2 != nil {
			t.Cleanup(func() { p2.Close() })
		}
		return err
	})
	wantCode(t, "DoProcess with a timeout", err, hresult.HCS_E_OPERATION_TIMEOUT)
	g.wait(t)
	g.open(t, fakeReply{Info: late.info})
	late.waitAllClosed(t)
}
