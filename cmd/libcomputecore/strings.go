package main

import (
	"unicode/utf16"
	"unicode/utf8"
)

// decodeUTF16 converts UTF-16 code units to a Go string. An unpaired surrogate becomes U+FFFD,
// so any input converts.
func decodeUTF16(units []uint16) string {
	buf := make([]byte, 0, len(units))
	for i := 0; i < len(units); i++ {
		r := rune(units[i])
		if utf16.IsSurrogate(r) {
			if i+1 < len(units) {
				if d := utf16.DecodeRune(r, rune(units[i+1])); d != utf8.RuneError {
					buf = utf8.AppendRune(buf, d)
					i++
					continue
				}
			}
			r = utf8.RuneError
		}
		buf = utf8.AppendRune(buf, r)
	}
	return string(buf)
}

// encodeUTF16 converts s to NUL-terminated UTF-16. Invalid UTF-8 becomes U+FFFD.
func encodeUTF16(s string) []uint16 {
	units := make([]uint16, 0, len(s)+1)
	for _, r := range s {
		units = utf16.AppendRune(units, r)
	}
	return append(units, 0)
}
