package schema

import "strconv"

// path is a field path under construction, in the form used by Error.Path.
type path string

// field appends ".name".
func (p path) field(name string) path { return path(joinPath(string(p), name)) }

// index appends "[i]".
func (p path) index(i int) path { return p + path("["+strconv.Itoa(i)+"]") }

// key appends `["k"]`.
func (p path) key(k string) path { return p + path("["+strconv.Quote(k)+"]") }

// err returns a CodeInvalidJSON *Error at p.
func (p path) err(reason string) *Error { return invalid(string(p), reason) }

// required returns the error for a missing required field at p.
func (p path) required() *Error { return p.err("required") }
