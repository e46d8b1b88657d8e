package hresult

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"testing"
)

func TestErrorFormat(t *testing.T) {
	for _, tc := range []struct {
		err  *Error
		want string
	}{
		{New(HCS_E_SYSTEM_NOT_FOUND, `system "web"`), `HCS_E_SYSTEM_NOT_FOUND (0x8037010E): system "web"`},
		{New(HCS_E_INVALID_JSON, ""), "HCS_E_INVALID_JSON (0x8037010D): a JSON document is invalid"},
		{&Error{Code: ERROR_VMCOMPUTE_INVALID_STATE}, "ERROR_VMCOMPUTE_INVALID_STATE (0xC0370105): the operation is not valid in the compute system's current state"},
		{New(0x80001234, "odd"), "0x80001234 (0x80001234): odd"},
		{&Error{Code: E_FAIL, Err: io.EOF}, "E_FAIL (0x80004005): unspecified failure"},
	} {
		if got := tc.err.Error(); got != tc.want {
			t.Errorf("Error() = %q, want %q", got, tc.want)
		}
		if got := fmt.Sprint(tc.err); got != tc.want {
			t.Errorf("Sprint = %q, want %q", got, tc.want)
		}
	}
	if got := New(HCS_E_INVALID_STATE, "x").HResult(); got != HCS_E_INVALID_STATE.Int32() {
		t.Errorf("HResult() = %d", got)
	}
}

func TestWrap(t *testing.T) {
	if Wrap(nil, E_FAIL, "x") != nil {
		t.Error("Wrap(nil) is not nil")
	}
	inner := New(HCS_E_INVALID_STATE, "system is paused")
	for _, tc := range []struct {
		name     string
		err      error
		wantCode HRESULT
		wantMsg  string
		cause    error
	}{
		{"plain error", Wrap(io.EOF, HCS_E_CONNECTION_CLOSED, "reading from agent"), HCS_E_CONNECTION_CLOSED, "reading from agent: EOF", io.EOF},
		{"no context", Wrap(io.EOF, E_FAIL, ""), E_FAIL, "EOF", io.EOF},
		{"code from cause", Wrap(inner, 0, "start"), HCS_E_INVALID_STATE, "start: system is paused", inner},
		{"code from sentinel", Wrap(fs.ErrNotExist, 0, "layer"), ERROR_NOT_FOUND, "layer: file does not exist", fs.ErrNotExist},
		{"generic outer keeps the inner code", Wrap(inner, E_FAIL, "start"), HCS_E_INVALID_STATE, "start: system is paused", inner},
		{"generic outer for a cause with no code", Wrap(fs.ErrNotExist, E_FAIL, "layer"), E_FAIL, "layer: file does not exist", fs.ErrNotExist},
		{"generic outer keeps the code of a bare HRESULT", Wrap(fmt.Errorf("x: %w", HCS_E_INVALID_LAYER), E_UNEXPECTED, "layer"), HCS_E_INVALID_LAYER, "layer: x: a container layer has an unrecognised format", HCS_E_INVALID_LAYER},
		{"explicit code wins", Wrap(inner, HCS_E_TERMINATED_DURING_START, "start"), HCS_E_TERMINATED_DURING_START, "start: " + inner.Error(), inner},
	} {
		t.Run(tc.name, func(t *testing.T) {
			e := tc.err.(*Error)
			if e.Code != tc.wantCode || e.Message != tc.wantMsg {
				t.Errorf("got %s %q, want %s %q", e.Code, e.Message, tc.wantCode, tc.wantMsg)
			}
			if !errors.Is(tc.err, tc.cause) || !errors.Is(tc.err, tc.wantCode) {
				t.Errorf("%v does not match its cause %v and code %s", tc.err, tc.cause, tc.wantCode)
			}
			if FromError(tc.err) != tc.wantCode {
				t.Errorf("FromError = %s, want %s", FromError(tc.err), tc.wantCode)
			}
		})
	}
	// The inner code stays visible to errors.Is even when an explicit code replaces it.
	if !errors.Is(Wrap(inner, HCS_E_TERMINATED_DURING_START, ""), HCS_E_INVALID_STATE) {
		t.Error("the wrapped code is hidden")
	}
}

func TestErrorf(t *testing.T) {
	e := Errorf(HCS_E_INVALID_JSON, "Container.Storage: %w", io.ErrUnexpectedEOF)
	if e.Message != "Container.Storage: unexpected EOF" || e.Err != io.ErrUnexpectedEOF {
		t.Errorf("Errorf with %%w = %q, cause %v", e.Message, e.Err)
	}
	if !errors.Is(e, io.ErrUnexpectedEOF) || !errors.Is(e, HCS_E_INVALID_JSON) {
		t.Errorf("%v does not match its cause and code", e)
	}

	e = Errorf(E_INVALIDARG, "id %q: %v", "a/b", "bad character")
	if e.Message != `id "a/b": bad character` || e.Err != nil {
		t.Errorf("Errorf without %%w = %q, cause %v", e.Message, e.Err)
	}

	e = Errorf(E_FAIL, "two causes: %w, %w", fs.ErrNotExist, io.EOF)
	if !errors.Is(e, fs.ErrNotExist) || !errors.Is(e, io.EOF) {
		t.Errorf("Errorf with two %%w lost a cause: %#v", e)
	}
}

func TestFrom(t *testing.T) {
	if From(nil) != nil {
		t.Error("From(nil) is not nil")
	}
	e := New(HCS_E_SYSTEM_ALREADY_STOPPED, "system x")
	if From(e) != e {
		t.Error("From(*Error) made a copy")
	}
	if From(fmt.Errorf("stop: %w", e)) != e {
		t.Error("From of a wrapped *Error does not find it")
	}
	plain := fmt.Errorf("opening layer: %w", fs.ErrNotExist)
	got := From(plain)
	if got.Code != ERROR_NOT_FOUND || got.Message != plain.Error() || got.Err != plain {
		t.Errorf("From(%v) = %#v", plain, got)
	}
	if !errors.Is(got, fs.ErrNotExist) {
		t.Error("From lost the cause")
	}
	bare := From(fmt.Errorf("system %q: %w", "x", HCS_E_SYSTEM_NOT_FOUND))
	if bare.Code != HCS_E_SYSTEM_NOT_FOUND || bare.Error() != `HCS_E_SYSTEM_NOT_FOUND (0x8037010E): system "x": no compute system with that id exists` {
		t.Errorf("From of a wrapped HRESULT: %q", bare)
	}
	if got := From(errors.New("boom")); got.Code != E_FAIL || got.Message != "boom" {
		t.Errorf("From(boom) = %v", got)
	}
}

func TestErrorsAs(t *testing.T) {
	err := fmt.Errorf("create: %w", Wrap(&fs.PathError{Op: "open", Path: "/x", Err: fs.ErrNotExist}, HCS_E_INVALID_LAYER, "layer"))
	var pe *fs.PathError
	if !errors.As(err, &pe) || pe.Path != "/x" {
		t.Error("errors.As does not see through *Error")
	}
	var he *Error
	if !errors.As(err, &he) || he.Code != HCS_E_INVALID_LAYER {
		t.Error("errors.As does not find the *Error")
	}
}
