package main

/*
#include "shim.h"
*/
import "C"

import (
	"os"
	"sync"

	"github.com/linuxhcs/hcs/client"
	"github.com/linuxhcs/hcs/hresult"
)

// opHandle is the object behind an HCS_OPERATION.
type opHandle struct {
	op *client.Operation
	h  C.uintptr_t

	// gate is held while a function starts a call with the operation and registers the handle
	// the call returns. Notifications of the call pass through it first, so a callback that
	// asks for the operation's system or process, or reads the out-parameter, finds it set.
	gate sync.Mutex

	mu    sync.Mutex
	files []*os.File // stdio ends of results whose duplicates the caller received
}

// newOperation makes an operation with its handle. context is stored as the client
// operation's context, as a C.uintptr_t.
func newOperation(context, callback C.uintptr_t) *opHandle {
	o := &opHandle{}
	o.op = client.NewOperation(context, o.completion(callback))
	o.h = addHandle(o, o.op)
	return o
}

// completion returns the client callback that calls the C completion callback cb, or nil.
// It runs on the goroutine the client delivers on, so a callback that closes the operation
// is recognised as running inside its own callback.
func (o *opHandle) completion(cb C.uintptr_t) client.CompletionCallback {
	if cb == 0 {
		return nil
	}
	return func(op *client.Operation) {
		o.waitStarted()
		ctx, _ := op.Context().(C.uintptr_t)
		C.hcs_call_completion(cb, o.h, ctx)
	}
}

// waitStarted returns once no function is starting a call with o.
func (o *opHandle) waitStarted() {
	o.gate.Lock()
	defer o.gate.Unlock()
}

// start runs call, which starts a call tracked by o, behind the gate. Once a new call is
// accepted, the stdio ends of the previous result are no longer reachable and are closed.
func (o *opHandle) start(call func() error) error {
	o.gate.Lock()
	defer o.gate.Unlock()
	previous := o.takeFiles()
	if err := call(); err != nil {
		o.keepFiles(previous...)
		return err
	}
	closeFiles(previous)
	return nil
}

// keepFiles remembers stdio ends of a result handed to the caller, to close them when the
// operation is reused or closed.
func (o *opHandle) keepFiles(files ...*os.File) {
	o.mu.Lock()
	defer o.mu.Unlock()
	for _, f := range files {
		if f != nil && !containsFile(o.files, f) {
			o.files = append(o.files, f)
		}
	}
}

// takeFiles returns the remembered stdio ends and forgets them.
func (o *opHandle) takeFiles() []*os.File {
	o.mu.Lock()
	defer o.mu.Unlock()
	files := o.files
	o.files = nil
	return files
}

func containsFile(files []*os.File, f *os.File) bool {
	for _, g := range files {
		if g == f {
			return true
		}
	}
	return false
}

// closeFiles closes the library's stdio ends; the caller's duplicates stay open.
func closeFiles(files []*os.File) {
	for _, f := range files {
		f.Close()
	}
}

// close is HcsCloseOperation on a handle already removed from the table.
func (o *opHandle) close() {
	if info, _, err := o.op.ResultAndProcessInfo(); err == nil {
		o.keepFiles(info.StdInput, info.StdOutput, info.StdError)
	}
	o.op.Close()
	closeFiles(o.takeFiles())
}

func operationInner(o *opHandle) any { return o.op }

// HcsCreateOperation returns a new idle operation, or NULL.
//
//export HcsCreateOperation
func HcsCreateOperation(context, callback C.uintptr_t) C.uintptr_t {
	return newOperation(context, callback).h
}

// HcsCloseOperation frees the operation; it may be called from the operation's own
// completion callback. A call still running goes on and its result is discarded.
//
//export HcsCloseOperation
func HcsCloseOperation(operation C.uintptr_t) {
	if o, ok := removeHandle(operation, operationInner); ok {
		o.close()
	}
}

// HcsGetOperationContext returns the operation's context pointer.
//
//export HcsGetOperationContext
func HcsGetOperationContext(operation C.uintptr_t) C.uintptr_t {
	o, ok := lookup[*opHandle](operation)
	if !ok {
		return 0
	}
	ctx, _ := o.op.Context().(C.uintptr_t)
	return ctx
}

// HcsSetOperationContext replaces the operation's context pointer.
//
//export HcsSetOperationContext
func HcsSetOperationContext(operation, context C.uintptr_t) C.HRESULT {
	o, ok := lookup[*opHandle](operation)
	if !ok {
		return errHandle
	}
	return hr(o.op.SetContext(context))
}

// HcsGetComputeSystemFromOperation returns the (borrowed) system handle of the tracked call.
//
//export HcsGetComputeSystemFromOperation
func HcsGetComputeSystemFromOperation(operation C.uintptr_t) C.uintptr_t {
	o, ok := lookup[*opHandle](operation)
	if !ok {
		return 0
	}
	if s := o.op.System(); s != nil {
		return handleOf(s)
	}
	return 0
}

// HcsGetProcessFromOperation returns the (borrowed) process handle of the tracked call.
//
//export HcsGetProcessFromOperation
func HcsGetProcessFromOperation(operation C.uintptr_t) C.uintptr_t {
	o, ok := lookup[*opHandle](operation)
	if !ok {
		return 0
	}
	if p := o.op.Process(); p != nil {
		return handleOf(p)
	}
	return 0
}

// HcsGetOperationType returns the HCS_OPERATION_TYPE of the operation's last call.
//
//export HcsGetOperationType
func HcsGetOperationType(operation C.uintptr_t) C.int32_t {
	o, ok := lookup[*opHandle](operation)
	if !ok {
		return C.int32_t(client.OperationTypeNone)
	}
	return C.int32_t(o.op.Type())
}

// HcsGetOperationId returns the operation's unique id, or HCS_INVALID_OPERATION_ID.
//
//export HcsGetOperationId
func HcsGetOperationId(operation C.uintptr_t) C.UINT64 {
	o, ok := lookup[*opHandle](operation)
	if !ok {
		return C.UINT64(client.InvalidOperationID)
	}
	return C.UINT64(o.op.ID())
}

// HcsSetOperationCallback replaces the operation's context and completion callback.
//
//export HcsSetOperationCallback
func HcsSetOperationCallback(operation, context, callback C.uintptr_t) C.HRESULT {
	o, ok := lookup[*opHandle](operation)
	if !ok {
		return errHandle
	}
	return hr(o.op.SetCallback(context, o.completion(callback)))
}

// HcsCancelOperation is documented as not implemented: it always returns E_NOTIMPL.
//
//export HcsCancelOperation
func HcsCancelOperation(operation C.uintptr_t) C.HRESULT {
	if o, ok := lookup[*opHandle](operation); ok {
		return hr(o.op.Cancel())
	}
	return code(hresult.E_NOTIMPL)
}
