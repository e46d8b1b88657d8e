package main

/*
#include "shim.h"
*/
import "C"

import (
	"github.com/linuxhcs/hcs/client"
)

// sysHandle is the object behind an HCS_SYSTEM.
type sysHandle struct {
	s *client.System
}

func addSystem(s *client.System) C.uintptr_t { return addHandle(&sysHandle{s: s}, s) }

func systemInner(s *sysHandle) any { return s.s }

// systemCall starts a call on a system handle tracked by an operation.
func systemCall(computeSystem, operation C.uintptr_t, call func(s *client.System, op *client.Operation) error) C.HRESULT {
	s, ok := lookup[*sysHandle](computeSystem)
	o, okOp := lookup[*opHandle](operation)
	if !ok || !okOp {
		return errHandle
	}
	return hr(o.start(func() error { return call(s.s, o.op) }))
}

// HcsCreateComputeSystem creates a compute system from a ComputeSystem document; the handle
// is returned at once and the creation is tracked by operation.
//
//export HcsCreateComputeSystem
func HcsCreateComputeSystem(id, configuration *C.WCHAR, operation, securityDescriptor C.uintptr_t, computeSystem *C.uintptr_t) C.HRESULT {
	if computeSystem == nil {
		return errPointer
	}
	*computeSystem = 0
	o, ok := lookup[*opHandle](operation)
	if !ok {
		return errHandle
	}
	if securityDescriptor != 0 {
		return errArg
	}
	sysID, config := goString(id), goString(configuration)
	return hr(o.start(func() error {
		return withClient(func(c *client.Client) error {
			s, err := c.CreateComputeSystem(sysID, config, o.op)
			if err == nil {
				*computeSystem = addSystem(s)
			}
			return err
		})
	}))
}

// HcsOpenComputeSystem opens another handle to an existing compute system.
//
//export HcsOpenComputeSystem
func HcsOpenComputeSystem(id *C.WCHAR, requestedAccess C.DWORD, computeSystem *C.uintptr_t) C.HRESULT {
	if computeSystem == nil {
		return errPointer
	}
	*computeSystem = 0
	sysID := goString(id)
	return hr(withClient(func(c *client.Client) error {
		s, err := c.OpenComputeSystem(callCtx(), sysID, uint32(requestedAccess))
		if err == nil {
			*computeSystem = addSystem(s)
		}
		return err
	}))
}

// HcsCloseComputeSystem releases the handle; the system keeps running. No event callback of
// the handle runs after it returns, unless it is called from inside that callback.
//
//export HcsCloseComputeSystem
func HcsCloseComputeSystem(computeSystem C.uintptr_t) {
	if s, ok := removeHandle(computeSystem, systemInner); ok {
		s.s.Close()
	}
}

// HcsStartComputeSystem starts a created system.
//
//export HcsStartComputeSystem
func HcsStartComputeSystem(computeSystem, operation C.uintptr_t, options *C.WCHAR) C.HRESULT {
	opts := goString(options)
	return systemCall(computeSystem, operation, func(s *client.System, op *client.Operation) error { return s.Start(op, opts) })
}

// HcsShutDownComputeSystem stops the system gracefully.
//
//export HcsShutDownComputeSystem
func HcsShutDownComputeSystem(computeSystem, operation C.uintptr_t, options *C.WCHAR) C.HRESULT {
	opts := goString(options)
	return systemCall(computeSystem, operation, func(s *client.System, op *client.Operation) error { return s.ShutDown(op, opts) })
}

// HcsTerminateComputeSystem stops the system forcibly.
//
//export HcsTerminateComputeSystem
func HcsTerminateComputeSystem(computeSystem, operation C.uintptr_t, options *C.WCHAR) C.HRESULT {
	opts := goString(options)
	return systemCall(computeSystem, operation, func(s *client.System, op *client.Operation) error { return s.Terminate(op, opts) })
}

// HcsCrashComputeSystem crashes the system's guest.
//
//export HcsCrashComputeSystem
func HcsCrashComputeSystem(computeSystem, operation C.uintptr_t, options *C.WCHAR) C.HRESULT {
	opts := goString(options)
	return systemCall(computeSystem, operation, func(s *client.System, op *client.Operation) error { return s.Crash(op, opts) })
}

// HcsPauseComputeSystem pauses a running system.
//
//export HcsPauseComputeSystem
func HcsPauseComputeSystem(computeSystem, operation C.uintptr_t, options *C.WCHAR) C.HRESULT {
	opts := goString(options)
	return systemCall(computeSystem, operation, func(s *client.System, op *client.Operation) error { return s.Pause(op, opts) })
}

// HcsResumeComputeSystem resumes a paused system.
//
//export HcsResumeComputeSystem
func HcsResumeComputeSystem(computeSystem, operation C.uintptr_t, options *C.WCHAR) C.HRESULT {
	opts := goString(options)
	return systemCall(computeSystem, operation, func(s *client.System, op *client.Operation) error { return s.Resume(op, opts) })
}

// HcsSaveComputeSystem saves a paused system.
//
//export HcsSaveComputeSystem
func HcsSaveComputeSystem(computeSystem, operation C.uintptr_t, options *C.WCHAR) C.HRESULT {
	opts := goString(options)
	return systemCall(computeSystem, operation, func(s *client.System, op *client.Operation) error { return s.Save(op, opts) })
}

// HcsGetComputeSystemProperties queries the system; the operation's result document is a
// Properties document.
//
//export HcsGetComputeSystemProperties
func HcsGetComputeSystemProperties(computeSystem, operation C.uintptr_t, propertyQuery *C.WCHAR) C.HRESULT {
	query := goString(propertyQuery)
	return systemCall(computeSystem, operation, func(s *client.System, op *client.Operation) error { return s.GetProperties(op, query) })
}

// HcsModifyComputeSystem applies a ModifySettingRequest. identity (an access token on
// Windows) has no meaning on Linux and is ignored.
//
//export HcsModifyComputeSystem
func HcsModifyComputeSystem(computeSystem, operation C.uintptr_t, configuration *C.WCHAR, identity C.uintptr_t) C.HRESULT {
	config := goString(configuration)
	return systemCall(computeSystem, operation, func(s *client.System, op *client.Operation) error { return s.Modify(op, config) })
}

// HcsSetComputeSystemCallback registers the handle's one event callback.
//
//export HcsSetComputeSystemCallback
func HcsSetComputeSystemCallback(computeSystem C.uintptr_t, callbackOptions C.uint32_t, context, callback C.uintptr_t) C.HRESULT {
	s, ok := lookup[*sysHandle](computeSystem)
	if !ok {
		return errHandle
	}
	if callback == 0 {
		return errArg
	}
	return hr(s.s.SetCallback(client.EventOptions(callbackOptions), eventCallback(callback, context)))
}

// HcsEnumerateComputeSystems lists the systems matching an optional SystemQuery; the
// operation's result document is a JSON array.
//
//export HcsEnumerateComputeSystems
func HcsEnumerateComputeSystems(query *C.WCHAR, operation C.uintptr_t) C.HRESULT {
	o, ok := lookup[*opHandle](operation)
	if !ok {
		return errHandle
	}
	q := goString(query)
	return hr(o.start(func() error {
		return withClient(func(c *client.Client) error { return c.EnumerateComputeSystems(q, o.op) })
	}))
}

// HcsWaitForComputeSystemExit waits up to timeoutMs for the system to exit; result receives
// the SystemExitStatus document (a ResultError on failure).
//
//export HcsWaitForComputeSystemExit
func HcsWaitForComputeSystemExit(computeSystem C.uintptr_t, timeoutMs C.DWORD, result **C.WCHAR) C.HRESULT {
	setString(result, "")
	s, ok := lookup[*sysHandle](computeSystem)
	if !ok {
		return errHandle
	}
	ctx, cancel := timeout(timeoutMs)
	defer cancel()
	doc, err := s.s.WaitForExit(ctx)
	return setResult(result, doc, err)
}
