package schema

import "strconv"

// path is a JSON path under construction, in the form used by Error.Path: "$" is the
// document, ".Name" a member, "[1]" an array element and `["key"]` a map entry.
type path string

// root is the path of a whole document.
const root path = "$"

// field appends ".name", or `["name"]` when name is not a plain identifier.
func (p path) field(name string) path {
	if !identifier(name) {
		return p.key(name)
	}
	return p + "." + path(name)
}

// index appends "[i]".
func (p path) index(i int) path { return p + path("["+strconv.Itoa(i)+"]") }

// key appends `["k"]`.
func (p path) key(k string) path { return p + path("["+strconv.Quote(k)+"]") }

// err returns a CodeInvalidJSON *Error at p.
func (p path) err(reason string) *Error { return invalid(string(p), reason) }

// required returns the error for a missing required field at p.
func (p path) required() *Error { return p.err("required") }

// identifier reports whether a member name can follow a dot in a path: letters, digits
// and underscores, not starting with a digit.
func identifier(name string) bool {
	for i, c := range name {
		letter := c == '_' || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')
		if !letter && (i == 0 || c < '0' || c > '9') {
			return false
		}
	}
	return name != ""
}
