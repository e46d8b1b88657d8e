package main

import (
	"testing"
	"unicode/utf16"
	"unicode/utf8"
)

func TestUTF16RoundTrip(t *testing.T) {
	for _, s := range []string{"", "a", `{"Id":"démo"}`, "日本語", "emoji 😀 outside the BMP", "nul\x00inside"} {
		units := encodeUTF16(s)
		if units[len(units)-1] != 0 {
			t.Fatalf("encodeUTF16(%q) is not NUL-terminated", s)
		}
		if got := decodeUTF16(units[:len(units)-1]); got != s {
			t.Errorf("round trip of %q gave %q", s, got)
		}
	}
}

func TestDecodeUTF16Surrogates(t *testing.T) {
	for _, c := range []struct {
		units []uint16
		want  string
	}{
		{[]uint16{0xD83D, 0xDE00}, "😀"},
		{[]uint16{0xD83D}, "\uFFFD"},       // high surrogate at the end
		{[]uint16{0xDE00, 'a'}, "\uFFFDa"}, // lone low surrogate
		{[]uint16{0xD83D, 'a'}, "\uFFFDa"}, // high surrogate, then no low one
		{[]uint16{0xD83D, 0xD83D, 0xDE00}, "\uFFFD😀"},
	} {
		if got := decodeUTF16(c.units); got != c.want {
			t.Errorf("decodeUTF16(%04X) = %q, want %q", c.units, got, c.want)
		}
	}
}

func TestCString16(t *testing.T) {
	const s = `{"Owner":"été 😀"}`
	p := cString16(s)
	defer freeString16(p)
	if got := goString(p); got != s {
		t.Fatalf("goString(cString16(%q)) = %q", s, got)
	}
	if goString(nil) != "" {
		t.Fatal("goString(NULL) is not empty")
	}
}

// FuzzDecodeUTF16 feeds arbitrary code units from C callers: decoding must always give valid
// UTF-8 and agree with the standard library on well-formed input.
func FuzzDecodeUTF16(f *testing.F) {
	f.Add([]byte{0x3D, 0xD8, 0x00, 0xDE, 'a', 0})
	f.Add([]byte{0x00, 0xDC})
	f.Fuzz(func(t *testing.T, b []byte) {
		units := make([]uint16, len(b)/2)
		for i := range units {
			units[i] = uint16(b[2*i]) | uint16(b[2*i+1])<<8
		}
		s := decodeUTF16(units)
		if !utf8.ValidString(s) {
			t.Fatalf("decodeUTF16(%04X) = %q is not valid UTF-8", units, s)
		}
		if want := string(utf16.Decode(units)); s != want {
			t.Fatalf("decodeUTF16(%04X) = %q, utf16.Decode gives %q", units, s, want)
		}
		if back := encodeUTF16(s); decodeUTF16(back[:len(back)-1]) != s {
			t.Fatalf("re-encoding %q does not round-trip", s)
		}
	})
}
