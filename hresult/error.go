package hresult

import (
	"context"
	"errors"
	"io/fs"
	"os"
	"strings"
)

// Error is a failure with an HRESULT, a message that names the object or field at fault, and
// the optional details a ResultError document carries. It wraps an underlying cause when
// there is one, so errors.Is and errors.As see through it.
type Error struct {
	// Code is the HRESULT reported to callers.
	Code HRESULT
	// Message says what failed, naming the field, id or object ("Container.Storage.Path:
	// required"). When empty, the code's standard text is used.
	Message string
	// Events and Attribution are copied to and from ResultError documents unchanged. They are
	// kept as raw JSON so this package does not depend on the schema package.
	Events      []byte
	Attribution []byte
	// Err is the underlying cause, if any.
	Err error
}

// New returns an *Error with the code and message.
func New(code HRESULT, msg string) *Error {
	return &Error{Code: code, Message: msg}
}

// Errorf returns an *Error whose message is formatted; a %w verb wraps the cause. As with
// Wrap, a generic code (see Generic) gives way to a specific code the wrapped cause carries,
// and a code the message would name twice through an error argument is named once.
func Errorf(code HRESULT, format string, args ...any) *Error {
	cause := errorf(format, args...)
	e := &Error{Code: code}
	switch c := cause.(type) {
	case interface{ Unwrap() error }:
		e.Err = c.Unwrap()
	case interface{ Unwrap() []error }:
		e.Err = cause // several %w verbs: keep them all reachable
	}
	if e.Err != nil {
		e.Code = mostSpecific(code, e.Err)
	}
	e.Message = sayCodesOnce(cause.Error(), e.Code, errorArgs(args))
	return e
}

// Error formats the error as "NAME (0xXXXXXXXX): message".
func (e *Error) Error() string {
	var b strings.Builder
	b.WriteString(e.Code.String())
	b.WriteString(": ")
	if e.Message != "" {
		b.WriteString(e.Message)
	} else {
		b.WriteString(e.Code.Text())
	}
	return b.String()
}

// Unwrap returns the cause, or the bare code so that errors.Is matches code sentinels.
func (e *Error) Unwrap() []error {
	if e.Err != nil {
		return []error{e.Code, e.Err}
	}
	return []error{e.Code}
}

// HResult implements HResulter.
func (e *Error) HResult() int32 { return e.Code.Int32() }

// Is reports whether target is an *Error or HRESULT with the same code (legacy and current
// forms match each other).
func (e *Error) Is(target error) bool {
	if t, ok := target.(*Error); ok {
		return t.Code.Canonical() == e.Code.Canonical()
	}
	return false
}

// FromError returns the HRESULT that best describes err: S_OK for nil; the code of an
// *Error, HRESULT or HResulter in the chain, unless it is generic and a system error in the
// chain says why (ENOSPC or EDQUOT → ERROR_DISK_FULL); a code matching a standard Go sentinel
// (fs.ErrNotExist → ERROR_NOT_FOUND, context.DeadlineExceeded → HCS_E_OPERATION_TIMEOUT, ...);
// E_FAIL otherwise.
func FromError(err error) HRESULT {
	if err == nil {
		return S_OK
	}
	if code := specificCode(err); code != 0 {
		return code
	}
	if carried := carriedCode(err); carried != 0 {
		return carried
	}
	for _, m := range fromSentinel {
		if errors.Is(err, m.err) {
			return m.code
		}
	}
	return E_FAIL
}

var fromSentinel = []struct {
	err  error
	code HRESULT
}{
	{context.DeadlineExceeded, HCS_E_OPERATION_TIMEOUT},
	{os.ErrDeadlineExceeded, HCS_E_OPERATION_TIMEOUT},
	{context.Canceled, HCS_E_OPERATION_ALREADY_CANCELLED},
	{fs.ErrNotExist, ERROR_NOT_FOUND},
	{fs.ErrExist, ERROR_ALREADY_EXISTS},
	{fs.ErrPermission, E_ACCESSDENIED},
	{errors.ErrUnsupported, E_NOTIMPL},
	{os.ErrClosed, ERROR_INVALID_HANDLE},
}

// From returns err as an *Error, converting it with FromError when it is not one already
// (its message then leaves out the "NAME (0x…): " of a bare HRESULT that err wraps, which
// Error() names in front). It returns nil for nil.
func From(err error) *Error {
	if err == nil {
		return nil
	}
	var e *Error
	if errors.As(err, &e) {
		return e
	}
	code := FromError(err)
	return &Error{Code: code, Message: sayCodesOnce(err.Error(), code, []error{err}), Err: err}
}

// Is reports whether err carries code (in either its current or legacy form).
func Is(err error, code HRESULT) bool {
	return err != nil && FromError(err).Canonical() == code.Canonical()
}
