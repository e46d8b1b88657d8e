package client

import (
	"context"
	"sync"
	"sync/atomic"

	"github.com/linuxhcs/hcs/hresult"
)

// CompletionCallback is HCS_OPERATION_COMPLETION: it runs once when the call an operation
// tracks completes, on a goroutine owned by the client. It may read the result, start a new
// call with the operation, or close it.
type CompletionCallback func(op *Operation)

type opState int

const (
	opIdle opState = iota
	opRunning
	opCompleted
)

var lastOperationID atomic.Uint64

// Operation is HCS_OPERATION: it tracks one asynchronous call at a time (spec HCS-API.md §4).
// A new operation is idle; a function that accepts it makes it running; when the tracked work
// finishes it is completed and may be reused for another call. Operations are safe for
// concurrent use.
type Operation struct {
	id uint64

	mu       sync.Mutex
	state    opState
	typ      OperationType
	context  any
	callback CompletionCallback
	system   *System
	process  *Process
	err      *hresult.Error
	doc      string
	info     *ProcessInformation
	done     chan struct{}
	closed   bool
	sink     *eventQueue                      // handle queue for EventOperationCallback delivery
	running  map[callbackThread]chan struct{} // threads now inside the completion callback
}

// NewOperation is HcsCreateOperation: it returns an idle operation with the given context and
// optional completion callback.
func NewOperation(context any, callback CompletionCallback) *Operation {
	return &Operation{
		id:       lastOperationID.Add(1),
		typ:      OperationTypeNone,
		context:  context,
		callback: callback,
		running:  map[callbackThread]chan struct{}{},
	}
}

// ID is HcsGetOperationId: a number unique to this operation within the process.
func (op *Operation) ID() uint64 {
	if op == nil {
		return InvalidOperationID
	}
	return op.id
}

// Context is HcsGetOperationContext.
func (op *Operation) Context() any {
	op.mu.Lock()
	defer op.mu.Unlock()
	return op.context
}

// SetContext is HcsSetOperationContext.
func (op *Operation) SetContext(context any) error {
	op.mu.Lock()
	defer op.mu.Unlock()
	if op.closed {
		return errClosedOperation()
	}
	op.context = context
	return nil
}

// SetCallback is HcsSetOperationCallback: it replaces the context and completion callback.
// A callback set while a call is running fires when that call completes; one set on an
// already completed operation does not fire for the past call (spec: unconfirmed; set it
// before use).
func (op *Operation) SetCallback(context any, callback CompletionCallback) error {
	op.mu.Lock()
	defer op.mu.Unlock()
	if op.closed {
		return errClosedOperation()
	}
	op.context, op.callback = context, callback
	return nil
}

// Type is HcsGetOperationType: OperationTypeNone until the operation is first used.
func (op *Operation) Type() OperationType {
	op.mu.Lock()
	defer op.mu.Unlock()
	return op.typ
}

// System is HcsGetComputeSystemFromOperation: the handle the tracked call was made on, or nil
// when the operation is idle or the call has no system (enumerate). The handle is borrowed:
// do not close it.
func (op *Operation) System() *System {
	op.mu.Lock()
	defer op.mu.Unlock()
	if op.state == opIdle {
		return nil
	}
	return op.system
}

// Process is HcsGetProcessFromOperation: the process handle of a process call (for
// CreateProcess, the new process), or nil. The handle is borrowed: do not close it.
func (op *Operation) Process() *Process {
	op.mu.Lock()
	defer op.mu.Unlock()
	if op.state == opIdle {
		return nil
	}
	return op.process
}

// Cancel is HcsCancelOperation, which HCS documents as not implemented: it always returns
// E_NOTIMPL and the tracked call goes on. (Cancelling the context of a Wait ends that wait
// only.)
func (op *Operation) Cancel() error {
	return hresult.New(hresult.E_NOTIMPL, "HcsCancelOperation: cancelling an operation is not implemented; the call runs to completion")
}

// Close is HcsCloseOperation. The tracked call, if still running, goes on to completion and
// its result is discarded (stdio files of a process it created are closed); no callback
// fires after Close returns. Files already in a completed result belong to the caller. Close waits for a
// completion callback running on another goroutine, but not for one it is called from.
// Closing twice is harmless.
func (op *Operation) Close() {
	op.mu.Lock()
	op.closed = true
	var wait []chan struct{}
	for t, ch := range op.running {
		if !t.onThread() {
			wait = append(wait, ch)
		}
	}
	op.mu.Unlock()
	for _, ch := range wait {
		<-ch
	}
}

// takeInfoLocked hands the process information's files to the caller to close.
func (op *Operation) takeInfoLocked() *ProcessInformation {
	info := op.info
	op.info = nil
	return info
}

func errClosedOperation() error {
	return hresult.New(hresult.ERROR_INVALID_HANDLE, "operation: the handle is closed")
}

// waitDone returns the completion channel of the current call, or the error Get/Wait report
// for an operation that is closed or idle.
func (op *Operation) waitDone() (chan struct{}, error) {
	op.mu.Lock()
	defer op.mu.Unlock()
	switch {
	case op.closed:
		return nil, errClosedOperation()
	case op.state == opIdle:
		return nil, hresult.New(hresult.HCS_E_OPERATION_NOT_STARTED, "operation: not used by any call yet")
	}
	return op.done, nil
}

// Wait is HcsWaitForOperationResult: it blocks until the tracked call completes or ctx ends,
// and returns the call's result document and error. HcsWaitForOperationResult's timeoutMs is
// a ctx deadline: when it passes first, Wait returns HCS_E_OPERATION_TIMEOUT (wrapping
// context.DeadlineExceeded). When ctx is cancelled first, Wait returns
// HCS_E_OPERATION_ALREADY_CANCELLED wrapping context.Canceled. Either way only the wait ends:
// the call keeps running (HCS operations cannot be cancelled, see Cancel) and waiting again
// later is allowed. A completed call is reported even when ctx has already ended, so such a
// wait is a poll.
func (op *Operation) Wait(ctx context.Context) (string, error) {
	done, err := op.waitDone()
	if err != nil {
		return "", err
	}
	select {
	case <-done:
	case <-ctx.Done():
		select {
		case <-done:
		default:
			return "", ctxErr(ctx, "operation: waiting for "+op.Type().String())
		}
	}
	return op.Result()
}

// Result is HcsGetOperationResult: it never blocks. While the call runs it returns
// HCS_E_OPERATION_PENDING; on an idle operation HCS_E_OPERATION_NOT_STARTED; once complete,
// the call's own result: a document (on failure a ResultError document) and the error.
func (op *Operation) Result() (string, error) {
	op.mu.Lock()
	defer op.mu.Unlock()
	switch {
	case op.closed:
		return "", errClosedOperation()
	case op.state == opIdle:
		return "", hresult.New(hresult.HCS_E_OPERATION_NOT_STARTED, "operation: not used by any call yet")
	case op.state == opRunning:
		return "", hresult.New(hresult.HCS_E_OPERATION_PENDING, "operation: "+op.typ.String()+" is still in progress")
	}
	if op.err != nil {
		return op.doc, op.err
	}
	return op.doc, nil
}
