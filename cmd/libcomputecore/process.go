package main

/*
#include "shim.h"
*/
import "C"

import (
	"github.com/linuxhcs/hcs/client"
)

// procHandle is the object behind an HCS_PROCESS.
type procHandle struct {
	p *client.Process
}

func addProcess(p *client.Process) C.uintptr_t { return addHandle(&procHandle{p: p}, p) }

func processInner(p *procHandle) any { return p.p }

// processCall starts a call on a process handle tracked by an operation.
func processCall(proc, operation C.uintptr_t, call func(p *client.Process, op *client.Operation) error) C.HRESULT {
	p, ok := lookup[*procHandle](proc)
	o, okOp := lookup[*opHandle](operation)
	if !ok || !okOp {
		return errHandle
	}
	return hr(o.start(func() error { return call(p.p, o.op) }))
}

// HcsCreateProcess starts a process in a running system from a ProcessParameters document;
// the handle is returned at once, and the pid and stdio descriptors come from the operation
// (HcsWaitForOperationResultAndProcessInfo).
//
//export HcsCreateProcess
func HcsCreateProcess(computeSystem C.uintptr_t, processParameters *C.WCHAR, operation, securityDescriptor C.uintptr_t, proc *C.uintptr_t) C.HRESULT {
	if proc == nil {
		return errPointer
	}
	*proc = 0
	s, ok := lookup[*sysHandle](computeSystem)
	o, okOp := lookup[*opHandle](operation)
	if !ok || !okOp {
		return errHandle
	}
	if securityDescriptor != 0 {
		return errArg
	}
	params := goString(processParameters)
	return hr(o.start(func() error {
		p, err := s.s.CreateProcess(params, o.op)
		if err == nil {
			*proc = addProcess(p)
		}
		return err
	}))
}

// HcsOpenProcess opens a handle to a process of the system by its pid.
//
//export HcsOpenProcess
func HcsOpenProcess(computeSystem C.uintptr_t, processId, requestedAccess C.DWORD, proc *C.uintptr_t) C.HRESULT {
	if proc == nil {
		return errPointer
	}
	*proc = 0
	s, ok := lookup[*sysHandle](computeSystem)
	if !ok {
		return errHandle
	}
	p, err := s.s.OpenProcess(callCtx(), uint32(processId), uint32(requestedAccess))
	if err == nil {
		*proc = addProcess(p)
	}
	return hr(err)
}

// HcsCloseProcess releases the handle; the process keeps running and the stdio descriptors
// the caller received stay open. No event callback of the handle runs after it returns,
// unless it is called from inside that callback.
//
//export HcsCloseProcess
func HcsCloseProcess(proc C.uintptr_t) {
	if p, ok := removeHandle(proc, processInner); ok {
		p.p.Close()
	}
}

// HcsTerminateProcess kills the process.
//
//export HcsTerminateProcess
func HcsTerminateProcess(proc, operation C.uintptr_t, options *C.WCHAR) C.HRESULT {
	opts := goString(options)
	return processCall(proc, operation, func(p *client.Process, op *client.Operation) error { return p.Terminate(op, opts) })
}

// HcsSignalProcess sends the signal of a SignalProcessOptions document.
//
//export HcsSignalProcess
func HcsSignalProcess(proc, operation C.uintptr_t, options *C.WCHAR) C.HRESULT {
	opts := goString(options)
	return processCall(proc, operation, func(p *client.Process, op *client.Operation) error { return p.Signal(op, opts) })
}

// HcsGetProcessInfo asks for the process information again: new duplicates of the stdio
// descriptors come from the operation.
//
//export HcsGetProcessInfo
func HcsGetProcessInfo(proc, operation C.uintptr_t) C.HRESULT {
	return processCall(proc, operation, func(p *client.Process, op *client.Operation) error { return p.GetInfo(op) })
}

// HcsGetProcessProperties queries the process; the operation's result document is a
// ProcessStatus document.
//
//export HcsGetProcessProperties
func HcsGetProcessProperties(proc, operation C.uintptr_t, propertyQuery *C.WCHAR) C.HRESULT {
	query := goString(propertyQuery)
	return processCall(proc, operation, func(p *client.Process, op *client.Operation) error { return p.GetProperties(op, query) })
}

// HcsModifyProcess applies a ProcessModifyRequest (console size, closing a stdio stream).
//
//export HcsModifyProcess
func HcsModifyProcess(proc, operation C.uintptr_t, settings *C.WCHAR) C.HRESULT {
	set := goString(settings)
	return processCall(proc, operation, func(p *client.Process, op *client.Operation) error { return p.Modify(op, set) })
}

// HcsSetProcessCallback registers the handle's one event callback.
//
//export HcsSetProcessCallback
func HcsSetProcessCallback(proc C.uintptr_t, callbackOptions C.uint32_t, context, callback C.uintptr_t) C.HRESULT {
	p, ok := lookup[*procHandle](proc)
	if !ok {
		return errHandle
	}
	if callback == 0 {
		return errArg
	}
	return hr(p.p.SetCallback(client.EventOptions(callbackOptions), eventCallback(callback, context)))
}

// HcsWaitForProcessExit waits up to timeoutMs for the process to exit; result receives the
// ProcessStatus document (a ResultError on failure).
//
//export HcsWaitForProcessExit
func HcsWaitForProcessExit(proc C.uintptr_t, timeoutMs C.DWORD, result **C.WCHAR) C.HRESULT {
	setString(result, "")
	p, ok := lookup[*procHandle](proc)
	if !ok {
		return errHandle
	}
	ctx, cancel := timeout(timeoutMs)
	defer cancel()
	doc, err := p.p.WaitForExit(ctx)
	return setResult(result, doc, err)
}
