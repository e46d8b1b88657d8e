package wire

import (
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/linuxhcs/hcs/hresult"
)

func TestValidateSystemIDAcceptsOrdinaryIDs(t *testing.T) {
	for _, id := range []string{
		"Sample", "8e9d8a5e-0000-4000-8000-000000000001", "{8E9D8A5E-0000-4000-8000-000000000001}",
		"my container.1", "a..b", ".hidden", strings.Repeat("f", 64), strings.Repeat("x", MaxSystemIDLength), "контейнер",
	} {
		if err := ValidateSystemID(id); err != nil {
			t.Errorf("ValidateSystemID(%q) = %v", id, err)
		}
	}
}

func TestValidateSystemIDRejectsPathsAndControls(t *testing.T) {
	for _, id := range []string{
		"", ".", "..", "a/b", "/abs", "../up", `a\b`, "nul\x00", "tab\t", "del\x7f",
		strings.Repeat("x", MaxSystemIDLength+1), "bad\xff",
	} {
		err := ValidateSystemID(id)
		if !hresult.Is(err, hresult.E_INVALIDARG) {
			t.Errorf("ValidateSystemID(%q) = %v, want E_INVALIDARG", id, err)
		}
	}
}

func FuzzValidateSystemID(f *testing.F) {
	for _, s := range []string{"Sample", "..", "a/b", "\x00", strings.Repeat("y", 300)} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, id string) {
		if ValidateSystemID(id) != nil {
			return
		}
		if id == "" || id == "." || id == ".." || len(id) > MaxSystemIDLength || !utf8.ValidString(id) ||
			strings.ContainsAny(id, "/\\\x00") {
			t.Fatalf("accepted %q", id)
		}
	})
}
