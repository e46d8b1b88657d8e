package hresult

import (
	"errors"
	"fmt"
	"io"
	"strings"
	"testing"
)

// namedOnce fails the test unless every code in codes appears exactly once in text, by name
// and by value.
func namedOnce(t *testing.T, text string, codes ...HRESULT) {
	t.Helper()
	for _, h := range codes {
		if n := strings.Count(text, h.Name()); n != 1 {
			t.Errorf("%q names %s %d times, want once", text, h.Name(), n)
		}
		if n := strings.Count(text, fmt.Sprintf("0x%08X", uint32(h))); n != 1 {
			t.Errorf("%q gives 0x%08X %d times, want once", text, uint32(h), n)
		}
	}
}

func TestWrapSaysEachCodeOnce(t *testing.T) {
	specific := New(HCS_E_INVALID_LAYER, `layer "/srv/l1": not a directory`)
	for _, tc := range []struct {
		name  string
		err   error
		want  string
		codes []HRESULT
	}{
		{"E_FAIL in E_FAIL in E_FAIL",
			Wrap(Wrap(Wrap(io.EOF, E_FAIL, "a"), E_FAIL, "b"), E_FAIL, "c"),
			"E_FAIL (0x80004005): c: b: a: EOF", []HRESULT{E_FAIL}},
		{"E_FAIL around a specific code",
			Wrap(Wrap(specific, E_FAIL, "mounting the root file system"), E_FAIL, `starting system "web"`),
			`HCS_E_INVALID_LAYER (0x80370112): starting system "web": mounting the root file system: layer "/srv/l1": not a directory`,
			[]HRESULT{HCS_E_INVALID_LAYER}},
		{"specific code through fmt.Errorf",
			Wrap(fmt.Errorf("rootfs: %w", specific), 0, "start"),
			`HCS_E_INVALID_LAYER (0x80370112): start: rootfs: layer "/srv/l1": not a directory`,
			[]HRESULT{HCS_E_INVALID_LAYER}},
		{"bare HRESULT",
			Wrap(fmt.Errorf("system %q: %w", "web", HCS_E_SYSTEM_NOT_FOUND), E_FAIL, "open"),
			`HCS_E_SYSTEM_NOT_FOUND (0x8037010E): open: system "web": no compute system with that id exists`,
			[]HRESULT{HCS_E_SYSTEM_NOT_FOUND}},
		{"two specific codes, each once",
			Wrap(Wrap(specific, HCS_E_TERMINATED_DURING_START, "start"), 0, "again"),
			`HCS_E_TERMINATED_DURING_START (0x80370100): again: start: HCS_E_INVALID_LAYER (0x80370112): layer "/srv/l1": not a directory`,
			[]HRESULT{HCS_E_TERMINATED_DURING_START, HCS_E_INVALID_LAYER}},
		{"a generic inner code is dropped",
			Wrap(New(E_FAIL, "boom"), HCS_E_INVALID_STATE, "pause"),
			"HCS_E_INVALID_STATE (0x80370105): pause: boom", []HRESULT{HCS_E_INVALID_STATE}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := tc.err.Error(); got != tc.want {
				t.Fatalf("Error() = %q\nwant      %q", got, tc.want)
			}
			namedOnce(t, tc.err.Error(), tc.codes...)
			if !errors.Is(tc.err, tc.codes[len(tc.codes)-1]) {
				t.Errorf("errors.Is does not find the inner code %s", tc.codes[len(tc.codes)-1])
			}
		})
	}
}

func TestErrorfKeepsTheSpecificCodeAndSaysItOnce(t *testing.T) {
	inner := New(HCS_E_INVALID_STATE, "system is paused")
	wrapped := Errorf(E_FAIL, "start %q: %w", "web", inner)
	if wrapped.Code != HCS_E_INVALID_STATE || wrapped.Error() != `HCS_E_INVALID_STATE (0x80370105): start "web": system is paused` {
		t.Errorf("Errorf(E_FAIL, %%w) = %q", wrapped)
	}
	printed := Errorf(E_FAIL, "start: %v", inner)
	// %v does not wrap: the code stays the one asked for, and the inner one is named once.
	if printed.Code != E_FAIL || printed.Err != nil {
		t.Errorf("Errorf(E_FAIL, %%v) = %s, cause %v", printed.Code, printed.Err)
	}
	namedOnce(t, printed.Error(), E_FAIL, HCS_E_INVALID_STATE)
	same := Errorf(HCS_E_INVALID_STATE, "start: %v", inner)
	if same.Error() != "HCS_E_INVALID_STATE (0x80370105): start: system is paused" {
		t.Errorf("Errorf naming its own code through %%v = %q", same)
	}
}

func TestGeneric(t *testing.T) {
	for h, want := range map[HRESULT]bool{
		0: true, E_FAIL: true, E_UNEXPECTED: true,
		HCS_E_INVALID_STATE: false, ERROR_NOT_FOUND: false, E_INVALIDARG: false, ERROR_VMCOMPUTE_INVALID_STATE: false,
	} {
		if h.Generic() != want {
			t.Errorf("%s.Generic() = %v", h, !want)
		}
	}
}

func TestWrappedErrorTravelsAsOneResultError(t *testing.T) {
	err := Wrap(Wrap(New(HCS_E_INVALID_LAYER, "layer 0: no such directory"), E_FAIL, "mount"), E_FAIL, `start "web"`)
	back, dErr := FromResultError(ToResultError(err))
	if dErr != nil {
		t.Fatal(dErr)
	}
	if back.Code != HCS_E_INVALID_LAYER || back.Error() != err.Error() {
		t.Fatalf("decoded %q, sent %q", back, err)
	}
	namedOnce(t, back.Error(), HCS_E_INVALID_LAYER)
}
