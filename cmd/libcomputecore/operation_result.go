package main

/*
#include "shim.h"
*/
import "C"

import (
	"github.com/linuxhcs/hcs/client"
)

// HcsGetOperationResult returns the outcome of the tracked call without blocking, and its
// result document (on failure, possibly a ResultError) when resultDocument is not NULL.
//
//export HcsGetOperationResult
func HcsGetOperationResult(operation C.uintptr_t, resultDocument **C.WCHAR) C.HRESULT {
	setString(resultDocument, "")
	o, ok := lookup[*opHandle](operation)
	if !ok {
		return errHandle
	}
	doc, err := o.op.Result()
	setString(resultDocument, doc)
	return hr(err)
}

// HcsWaitForOperationResult waits up to timeoutMs for the tracked call to complete.
//
//export HcsWaitForOperationResult
func HcsWaitForOperationResult(operation C.uintptr_t, timeoutMs C.DWORD, resultDocument **C.WCHAR) C.HRESULT {
	setString(resultDocument, "")
	o, ok := lookup[*opHandle](operation)
	if !ok {
		return errHandle
	}
	ctx, cancel := timeout(timeoutMs)
	defer cancel()
	doc, err := o.op.Wait(ctx)
	setString(resultDocument, doc)
	return hr(err)
}

// HcsGetOperationResultAndProcessInfo is HcsGetOperationResult plus the process information
// of a CreateProcess or GetProcessInfo call.
//
//export HcsGetOperationResultAndProcessInfo
func HcsGetOperationResultAndProcessInfo(operation C.uintptr_t, processInformation *C.HCS_PROCESS_INFORMATION, resultDocument **C.WCHAR) C.HRESULT {
	setString(resultDocument, "")
	if processInformation != nil {
		C.hcs_zero_process_info(processInformation)
	}
	o, ok := lookup[*opHandle](operation)
	if !ok {
		return errHandle
	}
	info, doc, err := o.op.ResultAndProcessInfo()
	return o.processResult(info, doc, err, processInformation, resultDocument)
}

// HcsWaitForOperationResultAndProcessInfo is HcsWaitForOperationResult plus the process
// information of a CreateProcess or GetProcessInfo call.
//
//export HcsWaitForOperationResultAndProcessInfo
func HcsWaitForOperationResultAndProcessInfo(operation C.uintptr_t, timeoutMs C.DWORD, processInformation *C.HCS_PROCESS_INFORMATION, resultDocument **C.WCHAR) C.HRESULT {
	setString(resultDocument, "")
	if processInformation != nil {
		C.hcs_zero_process_info(processInformation)
	}
	o, ok := lookup[*opHandle](operation)
	if !ok {
		return errHandle
	}
	ctx, cancel := timeout(timeoutMs)
	defer cancel()
	info, doc, err := o.op.WaitAndProcessInfo(ctx)
	return o.processResult(info, doc, err, processInformation, resultDocument)
}

// processResult stores a result with process information in the out-parameters. The caller
// receives its own duplicates of the stdio descriptors; the library closes its ends when the
// operation is reused or closed.
func (o *opHandle) processResult(info client.ProcessInformation, doc string, err error,
	out *C.HCS_PROCESS_INFORMATION, resultDocument **C.WCHAR) C.HRESULT {
	setString(resultDocument, doc)
	if err != nil {
		return hr(err)
	}
	o.keepFiles(info.StdInput, info.StdOutput, info.StdError)
	if out == nil {
		return hr(nil)
	}
	absent := absentNull
	if o.op.Type() == client.OperationTypeGetProcessInfo {
		absent = absentInvalid
	}
	fds, err := dupStdio(info, absent)
	if err != nil {
		clearString(resultDocument)
		return hr(err)
	}
	C.hcs_fill_process_info(out, C.DWORD(info.ProcessID), C.intptr_t(fds[0]), C.intptr_t(fds[1]), C.intptr_t(fds[2]))
	return hr(nil)
}
