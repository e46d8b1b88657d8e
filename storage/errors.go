package storage

import (
	"errors"
	"fmt"

	"golang.org/x/sys/unix"

	"github.com/linuxhcs/hcs/hresult"
)

// Win32 codes, in HRESULT form, that storage reports (named in package hresult).
const (
	// errDiskFull is HRESULT_FROM_WIN32(ERROR_DISK_FULL): the filesystem ran out of space
	// (or quota) while a layer was written.
	errDiskFull = hresult.ERROR_DISK_FULL
	// errBusy is HRESULT_FROM_WIN32(ERROR_BUSY): the layer or image is attached, mounted or
	// otherwise in use.
	errBusy = hresult.ERROR_BUSY
)

// invalidLayer returns an HCS_E_INVALID_LAYER error whose message names where the fault is.
func invalidLayer(where, format string, args ...any) error {
	return hresult.Errorf(hresult.HCS_E_INVALID_LAYER, "%s: %s", where, fmt.Sprintf(format, args...))
}

// invalidArg returns an E_INVALIDARG error.
func invalidArg(format string, args ...any) error {
	return hresult.Errorf(hresult.E_INVALIDARG, format, args...)
}

// busy returns an errBusy error.
func busy(format string, args ...any) error {
	return hresult.Errorf(errBusy, format, args...)
}

// sysError converts a failed system call on a layer into an error with the best HRESULT:
// disk full, access denied, not found or E_FAIL. what names the object and the operation.
func sysError(err error, what string) error {
	var code hresult.HRESULT
	switch {
	case errors.Is(err, unix.ENOSPC), errors.Is(err, unix.EDQUOT), errors.Is(err, unix.EFBIG):
		code = errDiskFull
	case errors.Is(err, unix.EPERM), errors.Is(err, unix.EACCES):
		code = hresult.ERROR_ACCESS_DENIED
	case errors.Is(err, unix.ENOENT):
		code = hresult.ERROR_NOT_FOUND
	case errors.Is(err, unix.EBUSY):
		code = errBusy
	default:
		code = hresult.FromError(err)
	}
	return hresult.Wrap(err, code, what)
}
