package main

import (
	"bytes"
	"strings"
)

// docWidth is the column at which doc comments wrap.
const docWidth = 100

// writeDoc writes a wrapped // comment made of the given parts.
func writeDoc(b *bytes.Buffer, indent string, parts ...string) {
	text := ""
	for _, p := range parts {
		text = joinText(text, p)
	}
	line := indent + "//"
	for _, w := range strings.Fields(text) {
		if len(line)+1+len(w) > docWidth && line != indent+"//" {
			b.WriteString(line + "\n")
			line = indent + "//"
		}
		line += " " + w
	}
	b.WriteString(line + "\n")
}

// joinText joins two sentences with a space, skipping empty ones.
func joinText(a, b string) string {
	switch {
	case a == "":
		return b
	case b == "":
		return a
	}
	return a + " " + b
}

// sentence capitalises s and ends it with a full stop; empty stays empty.
func sentence(s string) string {
	s = strings.TrimSpace(strings.ReplaceAll(s, "`", ""))
	if s == "" {
		return ""
	}
	s = upperFirst(s)
	if !strings.HasSuffix(s, ".") {
		s += "."
	}
	return s
}

// since renders an enum value's version as " (2.1)" or "".
func since(v string) string {
	if v == "" {
		return ""
	}
	return " (" + v + ")"
}

// sinceText renders a field's version column as "since 2.1" or the
// column's own words for client-only fields.
func sinceText(v string) string {
	v = strings.TrimSpace(v)
	if v == "" {
		return "version not given"
	}
	if v[0] >= '0' && v[0] <= '9' {
		return "since " + v
	}
	return v
}
