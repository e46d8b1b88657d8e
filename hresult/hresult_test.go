package hresult

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// legacyCodes returns every ERROR_VMCOMPUTE_* code the package defines.
func legacyCodes(t *testing.T) []HRESULT {
	var codes []HRESULT
	for h, n := range names {
		if strings.HasPrefix(n, "ERROR_VMCOMPUTE_") {
			codes = append(codes, h)
		}
	}
	if len(codes) == 0 {
		t.Fatal("no ERROR_VMCOMPUTE_* codes defined")
	}
	return codes
}

func TestLegacyCodesMatchCurrentForm(t *testing.T) {
	for _, legacy := range legacyCodes(t) {
		current := legacy &^ 0x40000000
		if got := legacy.Canonical(); got != current {
			t.Errorf("%s.Canonical() = %s, want %s", legacy.Name(), got, current)
		}
		if got := current.Canonical(); got != current {
			t.Errorf("%s.Canonical() = %s, want itself", current, got)
		}
		for _, pair := range [][2]error{
			{legacy, current},
			{current, legacy},
			{New(legacy, "m"), current},
			{New(current, "m"), legacy},
			{fmt.Errorf("ctx: %w", New(legacy, "m")), current},
			{New(current, "m"), New(legacy, "other message")},
		} {
			if !errors.Is(pair[0], pair[1]) {
				t.Errorf("errors.Is(%v, %v) = false, want true", pair[0], pair[1])
			}
		}
		if !Is(legacy, current) || !Is(current, legacy) {
			t.Errorf("Is does not match %s with %s", legacy.Name(), current)
		}
		if legacy.Text() != current.Text() && current.Known() {
			t.Errorf("%s.Text() = %q, want the text of %s", legacy.Name(), legacy.Text(), current.Name())
		}
	}
}

func TestCanonicalLeavesOtherCodes(t *testing.T) {
	for h := range names {
		if h&0xFFFF0000 != 0xC0370000 && h.Canonical() != h {
			t.Errorf("%s.Canonical() = %s, want itself", h, h.Canonical())
		}
	}
	if h := HRESULT(0xC0380001); h.Canonical() != h {
		t.Errorf("a 0xC038 code changed: %s", h.Canonical())
	}
}

func TestDistinctCodesDoNotMatch(t *testing.T) {
	for _, pair := range [][2]error{
		{HCS_E_SYSTEM_NOT_FOUND, HCS_E_SYSTEM_ALREADY_EXISTS},
		{ERROR_VMCOMPUTE_SYSTEM_NOT_FOUND, HCS_E_INVALID_STATE},
		{New(HCS_E_INVALID_JSON, "m"), HCS_E_INVALID_STATE},
		{New(HCS_E_INVALID_JSON, "m"), New(E_FAIL, "m")},
		{HCS_E_INVALID_STATE, fs.ErrNotExist},
		{E_FAIL, context.Canceled},
	} {
		if errors.Is(pair[0], pair[1]) {
			t.Errorf("errors.Is(%v, %v) = true, want false", pair[0], pair[1])
		}
	}
}

// bridges lists, for each standard Go sentinel, the codes that errors.Is must match with it.
var bridges = []struct {
	sentinel error
	codes    []HRESULT
}{
	{fs.ErrNotExist, []HRESULT{HCS_E_SYSTEM_NOT_FOUND, ERROR_VMCOMPUTE_SYSTEM_NOT_FOUND, ERROR_NOT_FOUND}},
	{fs.ErrExist, []HRESULT{HCS_E_SYSTEM_ALREADY_EXISTS, ERROR_VMCOMPUTE_SYSTEM_ALREADY_EXISTS, ERROR_ALREADY_EXISTS}},
	{fs.ErrPermission, []HRESULT{HCS_E_ACCESS_DENIED, E_ACCESSDENIED, ERROR_ACCESS_DENIED}},
	{errors.ErrUnsupported, []HRESULT{E_NOTIMPL, ERROR_NOT_SUPPORTED}},
	{context.DeadlineExceeded, []HRESULT{HCS_E_OPERATION_TIMEOUT, HCS_E_CONNECTION_TIMEOUT, ERROR_VMCOMPUTE_TIMEOUT}},
	{os.ErrDeadlineExceeded, []HRESULT{HCS_E_OPERATION_TIMEOUT, HCS_E_CONNECTION_TIMEOUT}},
	{context.Canceled, []HRESULT{HCS_E_OPERATION_ALREADY_CANCELLED}},
	{os.ErrClosed, []HRESULT{ERROR_INVALID_HANDLE}},
}

func TestSentinelBridges(t *testing.T) {
	for _, b := range bridges {
		for _, code := range b.codes {
			forms := []error{
				code,
				New(code, "system \"x\""),
				fmt.Errorf("opening: %w", New(code, "system \"x\"")),
				fmt.Errorf("opening: %w", code),
			}
			for _, err := range forms {
				if !errors.Is(err, b.sentinel) {
					t.Errorf("errors.Is(%v, %v) = false, want true", err, b.sentinel)
				}
			}
		}
	}
}

func TestFromErrorSentinels(t *testing.T) {
	expired, cancel := context.WithTimeout(context.Background(), time.Nanosecond)
	defer cancel()
	<-expired.Done()
	cancelled, cancel2 := context.WithCancel(context.Background())
	cancel2()
	_, openErr := os.Open(filepath.Join(t.TempDir(), "missing"))

	for _, tc := range []struct {
		err  error
		want HRESULT
	}{
		{nil, S_OK},
		{fs.ErrNotExist, ERROR_NOT_FOUND},
		{openErr, ERROR_NOT_FOUND},
		{fs.ErrExist, ERROR_ALREADY_EXISTS},
		{fs.ErrPermission, E_ACCESSDENIED},
		{errors.ErrUnsupported, E_NOTIMPL},
		{context.DeadlineExceeded, HCS_E_OPERATION_TIMEOUT},
		{expired.Err(), HCS_E_OPERATION_TIMEOUT},
		{os.ErrDeadlineExceeded, HCS_E_OPERATION_TIMEOUT},
		{context.Canceled, HCS_E_OPERATION_ALREADY_CANCELLED},
		{cancelled.Err(), HCS_E_OPERATION_ALREADY_CANCELLED},
		{fmt.Errorf("waiting: %w", context.Canceled), HCS_E_OPERATION_ALREADY_CANCELLED},
		{os.ErrClosed, ERROR_INVALID_HANDLE},
		{errors.New("boom"), E_FAIL},
		{HCS_E_INVALID_STATE, HCS_E_INVALID_STATE},
		{fmt.Errorf("x: %w", New(HCS_E_INVALID_LAYER, "m")), HCS_E_INVALID_LAYER},
		{fmt.Errorf("x: %w", ERROR_VMCOMPUTE_INVALID_JSON), ERROR_VMCOMPUTE_INVALID_JSON},
		// A code carried explicitly wins over the sentinel its cause matches.
		{Wrap(fs.ErrNotExist, HCS_E_INVALID_LAYER, "layer"), HCS_E_INVALID_LAYER},
		{hresulter(-2143878898), HCS_E_SYSTEM_NOT_FOUND},
	} {
		got := FromError(tc.err)
		if got != tc.want {
			t.Errorf("FromError(%v) = %s, want %s", tc.err, got, tc.want)
		}
		if tc.err != nil && !Is(tc.err, tc.want) {
			t.Errorf("Is(%v, %s) = false", tc.err, tc.want)
		}
	}
}

// FromError's code for a sentinel must itself match that sentinel, so a Go error survives a
// round trip through an HRESULT (a ResultError across the socket) for errors.Is.
func TestSentinelRoundTrip(t *testing.T) {
	for _, b := range bridges {
		code := FromError(b.sentinel)
		if !errors.Is(code, b.sentinel) {
			t.Errorf("FromError(%v) = %s, which does not match it with errors.Is", b.sentinel, code)
		}
		e, err := FromResultError(ToResultError(b.sentinel))
		if err != nil {
			t.Fatal(err)
		}
		if !errors.Is(e, b.sentinel) {
			t.Errorf("%v lost its identity through a ResultError: %v", b.sentinel, e)
		}
	}
}

// hresulter is an error from another package that knows its HRESULT.
type hresulter int32

func (h hresulter) Error() string  { return "validation failed" }
func (h hresulter) HResult() int32 { return int32(h) }

func TestHResulterMatchesCode(t *testing.T) {
	v := hresulter(HCS_E_INVALID_JSON.Int32())
	if !errors.Is(HCS_E_INVALID_JSON, v) || !errors.Is(ERROR_VMCOMPUTE_INVALID_JSON, v) {
		t.Error("an HResulter with the same code does not match the HRESULT")
	}
	if !Is(fmt.Errorf("decode: %w", v), HCS_E_INVALID_JSON) {
		t.Error("Is does not see an HResulter in the chain")
	}
}

func TestHRESULTBasics(t *testing.T) {
	if S_OK.Failed() || !E_FAIL.Failed() || !ERROR_VMCOMPUTE_INVALID_JSON.Failed() {
		t.Error("Failed() is wrong")
	}
	if got := HCS_E_SYSTEM_NOT_FOUND.Int32(); got != -2143878898 {
		t.Errorf("Int32() = %d", got)
	}
	if got := FromInt32(-2143878898); got != HCS_E_SYSTEM_NOT_FOUND {
		t.Errorf("FromInt32 = %s", got)
	}
	if got := HCS_E_SYSTEM_NOT_FOUND.String(); got != "HCS_E_SYSTEM_NOT_FOUND (0x8037010E)" {
		t.Errorf("String() = %q", got)
	}
	if got := HCS_E_SYSTEM_NOT_FOUND.Error(); got != "HCS_E_SYSTEM_NOT_FOUND (0x8037010E): no compute system with that id exists" {
		t.Errorf("Error() = %q", got)
	}
	unknown := HRESULT(0x80001234)
	if unknown.Known() || unknown.Name() != "0x80001234" || unknown.Text() != "failure" {
		t.Errorf("unknown code: Known=%v Name=%q Text=%q", unknown.Known(), unknown.Name(), unknown.Text())
	}
	if HRESULT(0x00000001).Text() != "success" {
		t.Errorf("unknown success code: Text=%q", HRESULT(1).Text())
	}
}

// Every code has its own text, or shares it with its current form; only the two legacy codes
// without an HCS_E_ counterpart (0xC0370103, 0xC0370104) fall back to the generic text.
func TestEveryKnownCodeHasText(t *testing.T) {
	for h, n := range names {
		if _, ok := texts[h.Canonical()]; !ok && h.Canonical().Known() {
			t.Errorf("%s has no text", n)
		}
	}
}
