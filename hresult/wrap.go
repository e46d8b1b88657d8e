package hresult

import (
	"errors"
	"strings"
)

// Wrap returns an *Error that wraps err, using msg as context. Its code is the most specific
// one available: code zero takes err's code (FromError, which also maps standard Go errors);
// a generic code (see Generic) gives way to a specific code that err carries (an *Error,
// HRESULT or other HResulter in its chain), so wrapping in E_FAIL never hides why something
// failed; any other code replaces err's, which errors.Is still finds through the chain. A
// generic code given for an error that carries none stays: the caller chose it over what
// FromError would guess from a standard Go error (a timeout deep inside the service is not
// the caller's wait expiring).
//
// The message names each code once: the "NAME (0x…): " prefix of an *Error or HRESULT inside
// err is left out of the text when it names the result's code or a generic one, since
// Error() names the result's code in front. Wrap(nil, ...) is a nil error (an untyped nil, so
// that `return hresult.Wrap(err, ...)` is safe when err is nil).
func Wrap(err error, code HRESULT, msg string) error {
	if err == nil {
		return nil
	}
	code = mostSpecific(code, err)
	m := sayCodesOnce(err.Error(), code, []error{err})
	if msg != "" {
		m = msg + ": " + m
	}
	return &Error{Code: code, Message: m, Err: err}
}

// Generic reports whether h says nothing about what failed: zero (no code given), and E_FAIL
// and E_UNEXPECTED, the codes the spec (HCS-API.md §3.3) lists as generic. Every other code is
// specific, including the Win32 codes FromError derives from standard Go errors
// (ERROR_NOT_FOUND for fs.ErrNotExist, ...).
func (h HRESULT) Generic() bool {
	switch h.Canonical() {
	case 0, E_FAIL, E_UNEXPECTED:
		return true
	}
	return false
}

// mostSpecific returns the code of an error that wraps err with code: err's own code
// (FromError) when code is zero; when code is generic, the specific code err carries, else
// the code of a system error in err's chain that says why (causeCode: no space); else code.
func mostSpecific(code HRESULT, err error) HRESULT {
	if code == 0 {
		return FromError(err)
	}
	if !code.Generic() {
		return code
	}
	if specific := specificCode(err); specific != 0 {
		return specific
	}
	return code
}

// specificCode is the code err says most precisely: the first code its chain carries unless
// that is generic, else the code of the system error that caused it (causeCode); zero when
// it says neither.
func specificCode(err error) HRESULT {
	if carried := carriedCode(err); carried != 0 && !carried.Generic() {
		return carried
	}
	return causeCode(err)
}

// carriedCode is the code of the first HResulter in err's chain, or zero when there is none.
func carriedCode(err error) HRESULT {
	var h HResulter
	if errors.As(err, &h) {
		return FromInt32(h.HResult())
	}
	return 0
}

// sayCodesOnce removes from text the "NAME (0x…): " prefixes, written by the *Error and
// HRESULT values inside errs, that would name a code a second time: every one naming code
// (which the result's Error() names) or a generic code, and all but the first naming any
// other code.
func sayCodesOnce(text string, code HRESULT, errs []error) string {
	for _, h := range codesIn(errs) {
		prefix := h.String() + ": "
		if h.Canonical() == code.Canonical() || h.Generic() {
			text = strings.ReplaceAll(text, prefix, "")
			continue
		}
		if i := strings.Index(text, prefix); i >= 0 {
			rest := text[i+len(prefix):]
			text = text[:i+len(prefix)] + strings.ReplaceAll(rest, prefix, "")
		}
	}
	return text
}

// codesIn lists, without repeats, the codes of the *Error and HRESULT values in the trees of
// errs (through Unwrap() error and Unwrap() []error).
func codesIn(errs []error) []HRESULT {
	var codes []HRESULT
	seen := map[HRESULT]bool{}
	var walk func(error)
	walk = func(err error) {
		if err == nil {
			return
		}
		var h HRESULT
		switch v := err.(type) {
		case *Error:
			h = v.Code
		case HRESULT:
			h = v
		}
		if h != 0 && !seen[h] {
			seen[h] = true
			codes = append(codes, h)
		}
		switch u := err.(type) {
		case interface{ Unwrap() error }:
			walk(u.Unwrap())
		case interface{ Unwrap() []error }:
			for _, e := range u.Unwrap() {
				walk(e)
			}
		}
	}
	for _, err := range errs {
		walk(err)
	}
	return codes
}

// errorArgs returns the arguments of a format call that are errors, whether the format wraps
// them (%w) or only prints them (%v), since both put their text in the message.
func errorArgs(args []any) []error {
	var errs []error
	for _, a := range args {
		if err, ok := a.(error); ok {
			errs = append(errs, err)
		}
	}
	return errs
}
