package client

import (
	"context"
	"os"

	"github.com/linuxhcs/hcs/hresult"
)

// ProcessInformation is HCS_PROCESS_INFORMATION: the pid inside the compute system and the
// caller's ends of the requested stdio streams (nil when a stream was not requested). The
// caller owns the files.
type ProcessInformation struct {
	ProcessID uint32
	StdInput  *os.File
	StdOutput *os.File
	StdError  *os.File
}

// closeFiles closes whatever files info still holds; nil is fine.
func (info *ProcessInformation) closeFiles() {
	if info == nil {
		return
	}
	for _, f := range []*os.File{info.StdInput, info.StdOutput, info.StdError} {
		if f != nil {
			f.Close()
		}
	}
}

// call describes one tracked call an API function is about to start.
type call struct {
	typ     OperationType
	system  *System
	process *Process
	events  *eventQueue // the handle's event queue, for EnableOperationCallbacks
}

// begin moves op from idle or completed to running for c. It fails, leaving op untouched,
// when op is closed, already running, or has its own callback while the handle delivers
// operation completions as events.
func (op *Operation) begin(c call) error {
	if op == nil {
		return hresult.New(hresult.E_INVALIDARG, "operation: required")
	}
	sink := c.events.operationSink()
	op.mu.Lock()
	defer op.mu.Unlock()
	switch {
	case op.closed:
		return errClosedOperation()
	case op.state == opRunning:
		return hresult.New(hresult.HCS_E_OPERATION_ALREADY_STARTED, "operation: already tracking "+op.typ.String())
	case sink != nil && op.callback != nil:
		return hresult.New(hresult.HCS_E_OPERATION_SYSTEM_CALLBACK_ALREADY_SET,
			"operation: has a completion callback, but the handle delivers operation completions as events (HcsEventOptionEnableOperationCallbacks)")
	}
	op.state, op.typ = opRunning, c.typ
	op.system, op.process, op.sink = c.system, c.process, sink
	op.err, op.doc, op.info = nil, "", nil
	op.done = make(chan struct{})
	return nil
}

// run starts work for an operation that begin accepted, on its own goroutine. The work runs
// under a context of its own: an accepted HCS operation cannot be cancelled (see Cancel).
func (op *Operation) run(work func(ctx context.Context) (string, *ProcessInformation, error)) {
	go func() {
		doc, info, err := work(context.Background())
		op.complete(doc, info, err, true)
	}()
}

// fail records an immediate failure: the function returns err to its caller and the
// operation holds the same error and ResultError document for HcsGetOperationResult
// (hcsshim reads it there). No completion callback or event fires for it, since the caller
// already has the answer.
func (op *Operation) fail(c call, err error) error {
	if bErr := op.begin(c); bErr != nil {
		return err
	}
	op.complete("", nil, err, false)
	return err
}

// complete records the result of the tracked call and notifies whoever asked: the
// completion callback, or the handle's event callback. Nothing is notified once the
// operation is closed.
func (op *Operation) complete(doc string, info *ProcessInformation, err error, notify bool) {
	op.mu.Lock()
	op.state = opCompleted
	op.err = hresult.From(err)
	if op.err != nil && doc == "" {
		doc = string(hresult.ToResultError(op.err))
	}
	op.doc, op.info = doc, info
	close(op.done)
	cb, sink := op.callback, op.sink
	op.sink = nil
	if op.closed || !notify {
		if op.closed {
			info = op.takeInfoLocked()
			op.mu.Unlock()
			info.closeFiles()
			return
		}
		op.mu.Unlock()
		return
	}
	if cb == nil {
		op.mu.Unlock()
		if sink != nil {
			sink.push(Event{Type: EventOperationCallback, Operation: op})
		}
		return
	}
	op.runCallbackUnlock(cb)
}

// runCallbackUnlock runs cb with op.mu released, locked to its thread and recording it, so
// Close neither misses the callback nor waits for itself (see callbackthread.go).
func (op *Operation) runCallbackUnlock(cb CompletionCallback) {
	self := lockCallbackThread()
	finished := make(chan struct{})
	op.running[self] = finished
	op.mu.Unlock()
	defer func() {
		op.mu.Lock()
		delete(op.running, self)
		op.mu.Unlock()
		close(finished)
		unlockCallbackThread()
	}()
	cb(op)
}

// ResultAndProcessInfo is HcsGetOperationResultAndProcessInfo. It is valid only for
// operations of type CreateProcess or GetProcessInfo (E_INVALIDARG otherwise); the process
// information is returned only when the call succeeded.
func (op *Operation) ResultAndProcessInfo() (ProcessInformation, string, error) {
	doc, err := op.Result()
	return op.withProcessInfo(doc, err)
}

// WaitAndProcessInfo is HcsWaitForOperationResultAndProcessInfo: Wait plus the process
// information, under the same rules as ResultAndProcessInfo.
func (op *Operation) WaitAndProcessInfo(ctx context.Context) (ProcessInformation, string, error) {
	if _, err := op.waitDone(); err != nil {
		return ProcessInformation{}, "", err
	}
	if err := op.checkProcessInfoType(); err != nil {
		return ProcessInformation{}, "", err
	}
	doc, err := op.Wait(ctx)
	return op.withProcessInfo(doc, err)
}

func (op *Operation) checkProcessInfoType() error {
	t := op.Type()
	if t != OperationTypeCreateProcess && t != OperationTypeGetProcessInfo {
		return hresult.New(hresult.E_INVALIDARG, "operation: process information is only available for CreateProcess and GetProcessInfo operations, not "+t.String())
	}
	return nil
}

func (op *Operation) withProcessInfo(doc string, err error) (ProcessInformation, string, error) {
	if hresult.Is(err, hresult.HCS_E_OPERATION_NOT_STARTED) || hresult.Is(err, hresult.ERROR_INVALID_HANDLE) {
		return ProcessInformation{}, doc, err
	}
	if tErr := op.checkProcessInfoType(); tErr != nil {
		return ProcessInformation{}, "", tErr
	}
	if err != nil {
		return ProcessInformation{}, doc, err
	}
	op.mu.Lock()
	defer op.mu.Unlock()
	if op.info == nil {
		return ProcessInformation{}, doc, nil
	}
	return *op.info, doc, nil
}
