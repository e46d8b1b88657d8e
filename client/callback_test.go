package client

import (
	"sync"
	"sync/atomic"
	"testing"

	"github.com/linuxhcs/hcs/hresult"
	"github.com/linuxhcs/hcs/wire"
)

func TestCompletionCallbackFiresOncePerCall(t *testing.T) {
	_, c := newTestClient(t)
	s := createSystem(t, c, "once")
	const ops, callsEach = 64, 3
	var counts [ops]atomic.Int32
	fired := make(chan int, ops*callsEach*2)
	var wg sync.WaitGroup
	for i := range ops {
		wg.Go(func() {
			op := NewOperation(i, func(op *Operation) {
				n := op.Context().(int)
				counts[n].Add(1)
				fired <- n
			})
			defer op.Close()
			for k := range callsEach {
				var err error
				if (i+k)%2 == 0 {
					err = s.GetProperties(op, "")
				} else {
					err = c.EnumerateComputeSystems("", op)
				}
				if err != nil {
					t.Error(err)
					return
				}
				if _, err := op.Wait(testCtx(t)); err != nil {
					t.Error(err)
					return
				}
			}
		})
	}
	for range ops * callsEach {
		recv(t, fired, "a completion callback")
	}
	wg.Wait()
	for i := range counts {
		if n := counts[i].Load(); n != callsEach {
			t.Fatalf("operation %d: callback fired %d times for %d calls", i, n, callsEach)
		}
	}
}

func TestCompletionCallbackReceivesItsOperation(t *testing.T) {
	_, c := newTestClient(t)
	got := make(chan *Operation, 2)
	op := NewOperation(nil, func(o *Operation) { got <- o })
	defer op.Close()
	if err := c.EnumerateComputeSystems("", op); err != nil {
		t.Fatal(err)
	}
	if o := recv(t, got, "the completion callback"); o != op {
		t.Fatalf("callback received %p, want the operation %p", o, op)
	}
}

func TestCompletionCallbackMayReadTheResult(t *testing.T) {
	f, c := newTestClient(t)
	s := createSystem(t, c, "cb-result")
	f.handle("SystemProperties", func(fakeCall) fakeReply { return fakeReply{Doc: `{"Id":"cb-result"}`} })
	type result struct {
		doc string
		err error
		typ OperationType
		pid uint32
	}
	got := make(chan result, 2)
	op := NewOperation(nil, func(op *Operation) {
		doc, err := op.Result()
		r := result{doc: doc, err: err, typ: op.Type()}
		if r.typ == OperationTypeCreateProcess {
			info, _, err := op.ResultAndProcessInfo()
			r.pid, r.err = info.ProcessID, err
		}
		got <- r
	})
	defer op.Close()
	if err := s.GetProperties(op, ""); err != nil {
		t.Fatal(err)
	}
	if r := recv(t, got, "the completion callback"); r.err != nil || r.doc != `{"Id":"cb-result"}` || r.typ != OperationTypeGetProperties {
		t.Fatalf("inside the callback: Result() = %q, %v; Type() = %v", r.doc, r.err, r.typ)
	}
	mustWait(t, op)
	p, err := s.CreateProcess(processDoc, op)
	if err != nil {
		t.Fatal(err)
	}
	defer p.Close()
	if r := recv(t, got, "the completion callback"); r.err != nil || r.pid == 0 {
		t.Fatalf("inside the callback: ResultAndProcessInfo gave pid %d, %v", r.pid, r.err)
	}
}

func TestCompletionCallbackMayCloseTheOperation(t *testing.T) {
	_, c := newTestClient(t)
	returned := make(chan struct{})
	op := NewOperation(nil, func(op *Operation) {
		op.Close()
		close(returned)
	})
	if err := c.EnumerateComputeSystems("", op); err != nil {
		t.Fatal(err)
	}
	waitClosed(t, returned, "Close called inside the completion callback to return")
	_, err := op.Result()
	wantCode(t, "Result after the callback closed the operation", err, hresult.ERROR_INVALID_HANDLE)
	op.Close() // and again from outside
}

func TestCompletionCallbackMayStartANewCall(t *testing.T) {
	f, c := newTestClient(t)
	s := createSystem(t, c, "cb-chain")
	f.handle("SystemProperties", func(fakeCall) fakeReply { return fakeReply{Doc: `{"Id":"cb-chain"}`} })
	type fire struct {
		typ OperationType
		doc string
		err error
	}
	fires := make(chan fire, 4)
	op := NewOperation(nil, func(op *Operation) {
		doc, err := op.Result()
		fires <- fire{op.Type(), doc, err}
		if op.Type() == OperationTypeStart {
			if err := s.GetProperties(op, ""); err != nil {
				fires <- fire{OperationTypeNone, "", err}
			}
		}
	})
	defer op.Close()
	if err := s.Start(op, ""); err != nil {
		t.Fatal(err)
	}
	if first := recv(t, fires, "the first callback"); first.typ != OperationTypeStart || first.err != nil {
		t.Fatalf("first callback: %+v", first)
	}
	second := recv(t, fires, "the callback of the call started inside the first")
	if second.typ != OperationTypeGetProperties || second.err != nil || second.doc != `{"Id":"cb-chain"}` {
		t.Fatalf("second callback: %+v", second)
	}
}

func TestNoCompletionCallbackAfterClose(t *testing.T) {
	f, c := newTestClient(t)
	s := createSystem(t, c, "close-running")
	g := f.gate("CreateProcess")
	var fired atomic.Int32
	op := NewOperation(nil, func(*Operation) { fired.Add(1) })
	p, err := s.CreateProcess(processDoc, op)
	if err != nil {
		t.Fatal(err)
	}
	defer p.Close()
	g.wait(t)
	op.Close() // returns while the call is still running
	stdio := newStdioPipes(t, 12)
	g.open(t, fakeReply{Info: stdio.info})
	// The stdio files of the discarded result are closed by the completion, after it decided
	// whether to notify anyone: once they are closed, a callback would have fired.
	stdio.waitAllClosed(t)
	if n := fired.Load(); n != 0 {
		t.Fatalf("the completion callback fired %d times after Close", n)
	}
	// The call did run to completion: the process handle is usable.
	if got := p.ID(); got != 12 {
		t.Fatalf("process ID() = %d, want 12: the call was not carried out", got)
	}
}

func TestCloseWaitsForCompletionCallbackOnAnotherGoroutine(t *testing.T) {
	_, c := newTestClient(t)
	entered := make(chan struct{})
	release := make(chan struct{})
	var finished atomic.Bool
	op := NewOperation(nil, func(*Operation) {
		close(entered)
		<-release
		finished.Store(true)
	})
	if err := c.EnumerateComputeSystems("", op); err != nil {
		t.Fatal(err)
	}
	waitClosed(t, entered, "the completion callback to start")
	closeReturned := make(chan struct{})
	go func() {
		op.Close()
		close(closeReturned)
	}()
	if isClosed(closeReturned) {
		t.Fatal("Close returned while the completion callback was still running")
	}
	close(release)
	waitClosed(t, closeReturned, "Close to return")
	if !finished.Load() {
		t.Fatal("Close returned before the completion callback finished")
	}
}

func TestCompletionCallbackSetAfterCompletionDoesNotFireForThePastCall(t *testing.T) {
	_, c := newTestClient(t)
	op := NewOperation(nil, nil)
	defer op.Close()
	if err := c.EnumerateComputeSystems("", op); err != nil {
		t.Fatal(err)
	}
	mustWait(t, op)
	fired := make(chan struct{}, 2)
	if err := op.SetCallback(nil, func(*Operation) { fired <- struct{}{} }); err != nil {
		t.Fatal(err)
	}
	select {
	case <-fired:
		t.Fatal("a callback set on a completed operation fired for the past call")
	default:
	}
	if err := c.EnumerateComputeSystems("", op); err != nil {
		t.Fatal(err)
	}
	recv(t, fired, "the callback for the next call")
}

func TestNoOperationEventAfterClose(t *testing.T) {
	f, c := newTestClient(t)
	s := createSystem(t, c, "close-running-event")
	rec := newEventRecorder()
	if err := s.SetCallback(EventOptionEnableOperationCallbacks, rec.callback); err != nil {
		t.Fatal(err)
	}
	g := f.gate("CreateProcess")
	op := NewOperation(nil, nil)
	p, err := s.CreateProcess(processDoc, op)
	if err != nil {
		t.Fatal(err)
	}
	defer p.Close()
	g.wait(t)
	op.Close()
	stdio := newStdioPipes(t, 13)
	g.open(t, fakeReply{Info: stdio.info})
	stdio.waitAllClosed(t)
	// Events of one handle arrive in order: an operation event would come before this one.
	f.push(t, wire.Event{Handle: s.testRef(t), Type: EventSystemCrashReport})
	rec.expect(t, EventSystemCrashReport)
}
