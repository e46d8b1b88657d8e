package main

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"
)

// GoType is the Go rendering of one spec type expression.
type GoType struct {
	// Expr is the Go type expression.
	Expr string
	// Inline lists the allowed strings of an inline union such as
	// `"Physical" / "Virtual"`.
	Inline []string
	// Len is the required length of a fixed-size array type (T[2]), else 0.
	Len int
	// Key is the spec's integer key type of a map (map<uint32,V>), whose
	// JSON keys must then be decimal numbers in range; empty otherwise.
	Key string
	// Note explains a mapping the reader might not expect.
	Note string
}

// kind classifies a spec type name.
type kind int

const (
	kindUnknown kind = iota
	kindEnum
	kindStruct
)

// scalars maps the spec's primitive type names to Go types.
var scalars = map[string]string{
	"string": "string", "Guid": "string", "DateTime": "string", "MacAddress": "string",
	"string_binary": "string", "bool": "bool",
	"int8": "int8", "int16": "int16", "int32": "int32", "int64": "int64",
	"uint8": "uint8", "uint16": "uint16", "uint32": "uint32", "uint64": "uint64",
	"ByteArray": "[]byte", "NullableByteArray": "[]byte",
	"Any": "json.RawMessage", "object": "json.RawMessage",
}

// intTypes are the spec's integer type names.
var intTypes = map[string]bool{
	"int8": true, "int16": true, "int32": true, "int64": true,
	"uint8": true, "uint16": true, "uint32": true, "uint64": true,
}

var (
	mapType   = regexp.MustCompile(`^map\s*<\s*([^,<>]+?)\s*,\s*(.+?)\s*>$`)
	fixedType = regexp.MustCompile(`^(.+?)\[(\d+)\]$`)
	parenTail = regexp.MustCompile(`^([^"(]+?)\s*\([^)]*\)$`)
	quoted    = regexp.MustCompile(`"([^"]*)"`)
)

// Resolver maps spec type expressions to Go types.
type Resolver struct {
	kinds map[string]kind
}

// NewResolver returns a resolver that knows the catalog's types plus the
// hand-written struct types named in extra (spec name → present).
func NewResolver(c *Catalog, extra []string) *Resolver {
	r := &Resolver{kinds: map[string]kind{}}
	for name, isEnum := range c.Names() {
		if isEnum {
			r.kinds[name] = kindEnum
		} else {
			r.kinds[name] = kindStruct
		}
	}
	for _, name := range extra {
		r.kinds[name] = kindStruct
	}
	return r
}

// Resolve maps one field's type expression.
func (r *Resolver) Resolve(expr string) (GoType, error) {
	t := strings.TrimSpace(strings.ReplaceAll(expr, "`", ""))
	if strings.Contains(t, `"`) {
		var vals []string
		for _, m := range quoted.FindAllStringSubmatch(t, -1) {
			vals = append(vals, m[1])
		}
		return GoType{Expr: "string", Inline: vals}, nil
	}
	if m := parenTail.FindStringSubmatch(t); m != nil {
		t = m[1]
	}
	g, ok, err := r.resolve(t, true)
	if err != nil {
		return GoType{}, err
	}
	if !ok {
		return GoType{Expr: "json.RawMessage", Note: fmt.Sprintf("spec type %q is not in the catalog; kept as raw JSON", expr)}, nil
	}
	return g, nil
}

// resolve maps t; ok is false when t names no known type. top is true for
// the field's own type (struct types then become pointers).
func (r *Resolver) resolve(t string, top bool) (GoType, bool, error) {
	if m := mapType.FindStringSubmatch(t); m != nil {
		v, ok, err := r.resolve(m[2], false)
		g := GoType{Expr: "map[string]" + v.Expr}
		if k := strings.TrimSpace(m[1]); intTypes[k] {
			g.Key = k
		}
		return g, ok, err
	}
	if strings.HasSuffix(t, "[]") {
		return r.slice(strings.TrimSuffix(t, "[]"), 0)
	}
	if m := fixedType.FindStringSubmatch(t); m != nil {
		n, err := strconv.Atoi(m[2])
		if err != nil || n <= 0 {
			return GoType{}, false, fmt.Errorf("bad array length in %q", t)
		}
		return r.slice(m[1], n)
	}
	if g, ok := scalars[t]; ok {
		return GoType{Expr: g}, true, nil
	}
	switch r.kinds[t] {
	case kindEnum:
		return GoType{Expr: TypeName(t)}, true, nil
	case kindStruct:
		if top {
			return GoType{Expr: "*" + TypeName(t)}, true, nil
		}
		return GoType{Expr: TypeName(t)}, true, nil
	}
	return GoType{}, false, nil
}

// slice maps an array of elem, of fixed length n when n > 0.
func (r *Resolver) slice(elem string, n int) (GoType, bool, error) {
	if elem == "uint8" || elem == "int8" {
		return GoType{}, false, fmt.Errorf("%s arrays are not supported (encoding/json would use base64)", elem)
	}
	e, ok, err := r.resolve(elem, false)
	return GoType{Expr: "[]" + e.Expr, Len: n}, ok, err
}
