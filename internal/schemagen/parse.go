package main

import (
	"bufio"
	"fmt"
	"regexp"
	"strings"
)

const (
	enumHeading   = "### 10.1"
	structHeading = "### 10.2"
)

// section is one "####" block of the catalog: its name and body lines.
type section struct {
	name  string
	line  int
	lines []string
}

// Parse reads the spec Markdown and returns the catalog of §10.1 and §10.2.
func Parse(src string) (*Catalog, error) {
	enums, structs, err := splitCatalog(src)
	if err != nil {
		return nil, err
	}
	c := &Catalog{}
	for _, s := range enums {
		e, err := parseEnum(s)
		if err != nil {
			return nil, err
		}
		e.Values = append(e.Values, extensionValues[e.Name]...)
		c.Enums = append(c.Enums, e)
	}
	for _, s := range structs {
		st, err := parseStruct(s)
		if err != nil {
			return nil, err
		}
		st.Fields = append(st.Fields, extensionFields[st.Name]...)
		c.Structs = append(c.Structs, st)
	}
	if len(c.Enums) == 0 || len(c.Structs) == 0 {
		return nil, fmt.Errorf("spec has no %s enumerations or %s structures", enumHeading, structHeading)
	}
	if err := checkDuplicates(c); err != nil {
		return nil, err
	}
	return c, nil
}

// splitCatalog cuts the §10.1 and §10.2 parts of the document into sections.
func splitCatalog(src string) (enums, structs []section, err error) {
	var cur *[]section
	sc := bufio.NewScanner(strings.NewReader(src))
	sc.Buffer(make([]byte, 1<<20), 1<<24)
	for n := 1; sc.Scan(); n++ {
		line := strings.TrimRight(sc.Text(), " \t\r")
		switch {
		case strings.HasPrefix(line, enumHeading):
			cur = &enums
		case strings.HasPrefix(line, structHeading):
			cur = &structs
		case strings.HasPrefix(line, "### ") || strings.HasPrefix(line, "## ") || strings.HasPrefix(line, "# "):
			cur = nil
		case cur == nil:
		case strings.HasPrefix(line, "#### "):
			name := strings.TrimSpace(strings.TrimPrefix(line, "#### "))
			*cur = append(*cur, section{name: strings.Trim(name, "`"), line: n})
		case len(*cur) > 0:
			last := &(*cur)[len(*cur)-1]
			last.lines = append(last.lines, line)
		}
	}
	return enums, structs, sc.Err()
}

var specName = regexp.MustCompile(`^[A-Za-z][A-Za-z0-9_]*$`)

// description returns the leading descriptive text of a section: the lines
// before the first list, table or value line, joined with spaces.
func description(lines []string) string {
	var parts []string
	for _, l := range lines {
		t := strings.TrimSpace(l)
		if t == "" {
			if len(parts) > 0 {
				break
			}
			continue
		}
		if isBodyLine(t) {
			break
		}
		parts = append(parts, t)
	}
	return strings.Join(parts, " ")
}

// isBodyLine reports whether a trimmed line is part of a section's data
// rather than its description.
func isBodyLine(t string) bool {
	return strings.HasPrefix(t, "|") || strings.HasPrefix(t, "- ") || strings.HasPrefix(t, "`") ||
		strings.HasPrefix(t, "Values") || strings.HasPrefix(t, "No fields")
}

// checkDuplicates rejects a spec name defined twice.
func checkDuplicates(c *Catalog) error {
	seen := map[string]bool{}
	for _, e := range c.Enums {
		if seen[e.Name] {
			return fmt.Errorf("type %s defined twice", e.Name)
		}
		seen[e.Name] = true
	}
	for _, s := range c.Structs {
		if seen[s.Name] {
			return fmt.Errorf("type %s defined twice", s.Name)
		}
		seen[s.Name] = true
	}
	return nil
}
