package schema

import (
	"errors"
	"fmt"
	"testing"

	"github.com/linuxhcs/hcs/hresult"
)

func TestCodesMatchHresult(t *testing.T) {
	if CodeInvalidJSON != hresult.HCS_E_INVALID_JSON.Int32() {
		t.Errorf("CodeInvalidJSON = %d, want %d", CodeInvalidJSON, hresult.HCS_E_INVALID_JSON.Int32())
	}
	if CodeInvalidArg != hresult.E_INVALIDARG.Int32() {
		t.Errorf("CodeInvalidArg = %d, want %d", CodeInvalidArg, hresult.E_INVALIDARG.Int32())
	}
	if CodeNotSupported != hresult.ERROR_NOT_SUPPORTED.Int32() {
		t.Errorf("CodeNotSupported = %d, want %d", CodeNotSupported, hresult.ERROR_NOT_SUPPORTED.Int32())
	}
}

func TestErrorIsHresult(t *testing.T) {
	err := fmt.Errorf("wrapped: %w", &Error{Code: CodeInvalidJSON, Path: "A.B", Reason: "required"})
	if !errors.Is(err, hresult.HCS_E_INVALID_JSON) {
		t.Error("errors.Is(err, HCS_E_INVALID_JSON) = false")
	}
	if errors.Is(err, hresult.E_INVALIDARG) {
		t.Error("errors.Is(err, E_INVALIDARG) = true")
	}
	if got := hresult.FromError(err); got != hresult.HCS_E_INVALID_JSON {
		t.Errorf("hresult.FromError = %v", got)
	}
}

func TestErrorText(t *testing.T) {
	if got := (&Error{Path: "A.B", Reason: "required"}).Error(); got != "A.B: required" {
		t.Errorf("Error() = %q", got)
	}
	if got := (&Error{Reason: "bad"}).Error(); got != "bad" {
		t.Errorf("Error() without path = %q", got)
	}
}
