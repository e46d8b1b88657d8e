package main

import (
	"fmt"
	"regexp"
	"strings"
)

var (
	// valuesLine matches "Values (all 2.3): `A`, `B`".
	valuesLine = regexp.MustCompile("^Values(?: \\(all ([^)]*)\\))?:\\s*(.*)$")
	// bulletValue matches "- `A` (2.0) — note".
	bulletValue = regexp.MustCompile("^- `([^`]+)`\\s*(?:\\(([^)]*)\\))?\\s*(?:[—–-]+\\s*(.*))?$")
	// inlineValue matches "`A` (2.4)" inside a semicolon list.
	inlineValue = regexp.MustCompile("^`([^`]+)`\\s*(?:\\(([^)]*)\\))?\\s*(?:[—–-]+\\s*(.*))?$")
	// tick matches any back-quoted token.
	tick = regexp.MustCompile("`([^`]+)`")
)

// parseEnum turns one §10.1 section into an Enum.
func parseEnum(s section) (Enum, error) {
	if !specName.MatchString(s.name) {
		return Enum{}, fmt.Errorf("line %d: bad enumeration name %q", s.line, s.name)
	}
	e := Enum{Name: s.name, Doc: description(s.lines)}
	for _, l := range s.lines {
		vals, err := enumLineValues(strings.TrimSpace(l))
		if err != nil {
			return Enum{}, fmt.Errorf("line %d (%s): %v", s.line, s.name, err)
		}
		e.Values = append(e.Values, vals...)
	}
	if len(e.Values) == 0 {
		return Enum{}, fmt.Errorf("line %d: enumeration %s has no values", s.line, s.name)
	}
	seen := map[string]bool{}
	for _, v := range e.Values {
		if seen[v.Name] {
			return Enum{}, fmt.Errorf("enumeration %s: value %q listed twice", s.name, v.Name)
		}
		seen[v.Name] = true
	}
	return e, nil
}

// enumLineValues extracts the values a body line declares, if any.
func enumLineValues(t string) ([]EnumValue, error) {
	if m := valuesLine.FindStringSubmatch(t); m != nil {
		var out []EnumValue
		for _, v := range tick.FindAllStringSubmatch(m[2], -1) {
			out = append(out, EnumValue{Name: v[1], Since: m[1]})
		}
		return out, nil
	}
	if strings.HasPrefix(t, "- ") {
		m := bulletValue.FindStringSubmatch(t)
		if m == nil {
			return nil, fmt.Errorf("cannot read value line %q", t)
		}
		return []EnumValue{{Name: m[1], Since: m[2], Note: strings.TrimSpace(m[3])}}, nil
	}
	if strings.HasPrefix(t, "`") {
		var out []EnumValue
		for _, part := range strings.Split(t, ";") {
			part = strings.TrimSpace(part)
			if part == "" {
				continue
			}
			m := inlineValue.FindStringSubmatch(part)
			if m == nil {
				return nil, fmt.Errorf("cannot read value %q", part)
			}
			out = append(out, EnumValue{Name: m[1], Since: m[2], Note: strings.TrimSpace(m[3])})
		}
		return out, nil
	}
	return nil, nil
}
