package main

import (
	"fmt"
	"strings"
)

// parseStruct turns one §10.2 section into a Struct.
func parseStruct(s section) (Struct, error) {
	if !specName.MatchString(s.name) {
		return Struct{}, fmt.Errorf("line %d: bad structure name %q", s.line, s.name)
	}
	st := Struct{Name: s.name, Doc: description(s.lines)}
	empty := false
	for _, l := range s.lines {
		t := strings.TrimSpace(l)
		if strings.HasPrefix(t, "No fields") {
			empty = true
			continue
		}
		if !strings.HasPrefix(t, "|") {
			continue
		}
		f, ok, err := parseRow(t)
		if err != nil {
			return Struct{}, fmt.Errorf("structure %s (line %d): %v", s.name, s.line, err)
		}
		if ok {
			st.Fields = append(st.Fields, f)
		}
	}
	if len(st.Fields) == 0 && !empty {
		return Struct{}, fmt.Errorf("line %d: structure %s has no table and no \"No fields\" line", s.line, s.name)
	}
	seen := map[string]bool{}
	for _, f := range st.Fields {
		if seen[f.JSON] {
			return Struct{}, fmt.Errorf("structure %s: field %q listed twice", s.name, f.JSON)
		}
		seen[f.JSON] = true
	}
	return st, nil
}

// parseRow reads one table row. Header and separator rows report ok=false.
func parseRow(t string) (Field, bool, error) {
	cells := splitRow(t)
	if len(cells) != 4 {
		return Field{}, false, fmt.Errorf("row %q has %d columns, want 4", t, len(cells))
	}
	name := cells[0]
	if name == "Field" || strings.Trim(name, "-: ") == "" {
		return Field{}, false, nil
	}
	if !strings.HasPrefix(name, "`") || !strings.HasSuffix(name, "`") || len(name) < 3 {
		return Field{}, false, fmt.Errorf("field name %q is not back-quoted", name)
	}
	f := Field{JSON: strings.Trim(name, "`"), Type: cells[1], Since: cells[2], Note: cells[3]}
	if strings.ContainsAny(f.JSON, " `\"\\") {
		return Field{}, false, fmt.Errorf("bad field name %q", f.JSON)
	}
	if f.Type == "" {
		return Field{}, false, fmt.Errorf("field %q has no type", f.JSON)
	}
	return f, true, nil
}

// splitRow splits "| a | b |" into trimmed cells, honouring "\|" escapes.
func splitRow(t string) []string {
	t = strings.TrimSpace(t)
	t = strings.TrimPrefix(t, "|")
	t = strings.TrimSuffix(t, "|")
	var cells []string
	var cur strings.Builder
	for i := 0; i < len(t); i++ {
		switch {
		case t[i] == '\\' && i+1 < len(t) && t[i+1] == '|':
			cur.WriteByte('|')
			i++
		case t[i] == '|':
			cells = append(cells, strings.TrimSpace(cur.String()))
			cur.Reset()
		default:
			cur.WriteByte(t[i])
		}
	}
	return append(cells, strings.TrimSpace(cur.String()))
}
