package main

/*
#include "shim.h"
*/
import "C"

import (
	"context"
	"time"

	"github.com/linuxhcs/hcs/hresult"
)

// infinite is INFINITE, the timeoutMs that waits forever.
const infinite = 0xFFFFFFFF

// hr returns the HRESULT of err: S_OK for nil.
func hr(err error) C.HRESULT {
	return C.HRESULT(hresult.FromError(err).Int32())
}

// code returns the HRESULT c.
func code(c hresult.HRESULT) C.HRESULT {
	return C.HRESULT(c.Int32())
}

// The HRESULTs of argument checks made by the library itself.
var (
	errHandle  = code(hresult.ERROR_INVALID_HANDLE)
	errPointer = code(hresult.E_POINTER)
	errArg     = code(hresult.E_INVALIDARG)
)

// timeout returns the context of a wait of timeoutMs milliseconds.
func timeout(timeoutMs C.DWORD) (context.Context, context.CancelFunc) {
	if timeoutMs == infinite {
		return context.WithCancel(context.Background())
	}
	return context.WithTimeout(context.Background(), time.Duration(timeoutMs)*time.Millisecond)
}

// setResult stores the outcome of a synchronous call in its optional result out-parameter:
// the document on success, a ResultError document on failure.
func setResult(out **C.WCHAR, doc string, err error) C.HRESULT {
	if err != nil {
		doc = string(hresult.ToResultError(err))
	}
	setString(out, doc)
	return hr(err)
}
