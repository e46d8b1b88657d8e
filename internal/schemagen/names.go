package main

import (
	"fmt"
	"strings"
	"unicode"
)

// TypeName returns the Go name of a spec type: underscores removed, first
// letter upper-cased ("System_PropertyQuery" → "SystemPropertyQuery").
func TypeName(spec string) string {
	return upperFirst(strings.ReplaceAll(spec, "_", ""))
}

// Ident turns a JSON name or enum value into an exported Go identifier:
// every run of letters and digits becomes a word with its first letter
// upper-cased, other characters are dropped ("device_extension" →
// "DeviceExtension", "Sse4_1" → "Sse41", "ifexists" → "Ifexists").
func Ident(s string) string {
	var b strings.Builder
	upper := true
	for _, r := range s {
		if !unicode.IsLetter(r) && !unicode.IsDigit(r) {
			upper = true
			continue
		}
		if upper {
			r = unicode.ToUpper(r)
			upper = false
		}
		b.WriteRune(r)
	}
	id := b.String()
	if id == "" || unicode.IsDigit(rune(id[0])) {
		id = "X" + id
	}
	return id
}

func upperFirst(s string) string {
	if s == "" {
		return s
	}
	r := []rune(s)
	r[0] = unicode.ToUpper(r[0])
	return string(r)
}

// nameSet records Go identifiers and where they came from, to report
// collisions.
type nameSet map[string]string

// add records id for origin and fails if another origin already took it.
func (n nameSet) add(id, origin string) error {
	if prev, ok := n[id]; ok {
		return fmt.Errorf("Go name %s of %s collides with %s", id, origin, prev)
	}
	n[id] = origin
	return nil
}
