// Package hresult is the error vocabulary of Linux HCS: the HRESULT codes of the HCS C API
// (spec HCS-API.md §3), a rich *Error that carries a code, a message naming the object or
// field at fault and the ResultError document details, and the bridges that let ordinary Go
// code test them with errors.Is (fs.ErrNotExist, context.DeadlineExceeded, ...).
//
// Internal code returns wrapped Go errors; the service boundary turns them into ResultError
// documents exactly once (ToResultError) and the client turns documents back into *Error
// (FromResultError), so a caller sees the same code in-process and across the socket.
package hresult

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
)

// HRESULT is a 32-bit COM result code. Failure codes have the high bit set. JSON documents
// carry HRESULTs as signed int32 (see Int32); the Go value is unsigned so that constants read
// as in the Windows SDK (0x8037010E).
type HRESULT uint32

// HResulter is implemented by errors that know their HRESULT without importing this package
// (schema validation errors, for example). FromError and (*Error).Is honour it.
type HResulter interface {
	HResult() int32
}

// Failed reports whether h is a failure code (high bit set).
func (h HRESULT) Failed() bool { return h&0x80000000 != 0 }

// Int32 returns h as the signed value used in JSON documents.
func (h HRESULT) Int32() int32 { return int32(h) }

// HResult implements HResulter.
func (h HRESULT) HResult() int32 { return int32(h) }

// FromInt32 converts the signed JSON form back to an HRESULT.
func FromInt32(v int32) HRESULT { return HRESULT(uint32(v)) }

// Canonical maps a legacy vmcompute code (0xC037xxxx) to the computecore form (0x8037xxxx)
// that names the same condition; every other code is returned unchanged.
func (h HRESULT) Canonical() HRESULT {
	if h&0xFFFF0000 == 0xC0370000 {
		return h &^ 0x40000000
	}
	return h
}

// Name returns the SDK name of the code ("HCS_E_INVALID_JSON"), or its hex form when the
// code is not one this package knows.
func (h HRESULT) Name() string {
	if n, ok := names[h]; ok {
		return n
	}
	return fmt.Sprintf("0x%08X", uint32(h))
}

// Known reports whether h is one of the codes listed in this package.
func (h HRESULT) Known() bool {
	_, ok := names[h]
	return ok
}

// Text returns a short description of the condition h names.
func (h HRESULT) Text() string {
	if t, ok := texts[h.Canonical()]; ok {
		return t
	}
	if h.Failed() {
		return "failure"
	}
	return "success"
}

// String returns "NAME (0xXXXXXXXX)".
func (h HRESULT) String() string {
	return fmt.Sprintf("%s (0x%08X)", h.Name(), uint32(h))
}

// Error implements error, so a bare HRESULT can be returned and compared with errors.Is.
func (h HRESULT) Error() string {
	return fmt.Sprintf("%s: %s", h.String(), h.Text())
}

// Is makes errors.Is(h, target) true when target names the same condition: the same code in
// either its computecore or legacy form, another error carrying that code, or the standard
// Go sentinel the condition corresponds to (see sentinels).
func (h HRESULT) Is(target error) bool {
	if other, ok := target.(HResulter); ok {
		return FromInt32(other.HResult()).Canonical() == h.Canonical()
	}
	for _, s := range sentinels[h.Canonical()] {
		if target == s {
			return true
		}
	}
	return false
}

// sentinels lists, for each code, the standard Go errors that mean the same thing.
var sentinels = map[HRESULT][]error{
	HCS_E_SYSTEM_NOT_FOUND:            {fs.ErrNotExist},
	ERROR_NOT_FOUND:                   {fs.ErrNotExist},
	HCS_E_SYSTEM_ALREADY_EXISTS:       {fs.ErrExist},
	ERROR_ALREADY_EXISTS:              {fs.ErrExist},
	E_ACCESSDENIED:                    {fs.ErrPermission},
	HCS_E_ACCESS_DENIED:               {fs.ErrPermission},
	E_NOTIMPL:                         {errors.ErrUnsupported},
	ERROR_NOT_SUPPORTED:               {errors.ErrUnsupported},
	HCS_E_OPERATION_TIMEOUT:           {context.DeadlineExceeded, os.ErrDeadlineExceeded},
	HCS_E_CONNECTION_TIMEOUT:          {context.DeadlineExceeded, os.ErrDeadlineExceeded},
	HCS_E_OPERATION_ALREADY_CANCELLED: {context.Canceled},
	ERROR_INVALID_HANDLE:              {os.ErrClosed},
}
