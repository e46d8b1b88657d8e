package schema

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"reflect"
)

// Limits on accepted documents.
const (
	// MaxDocumentSize is the largest document, in bytes, Decode accepts.
	MaxDocumentSize = 4 << 20
	// MaxDepth is the deepest nesting of objects and arrays Decode accepts.
	MaxDepth = 64
)

// Decode parses the JSON document doc into v, which must be a non-nil pointer. An empty or
// all-whitespace doc means "no document": v is left unchanged and Decode returns nil.
// Fields unknown to v's type are ignored (they may come from a newer schema minor). On
// error v is left unchanged and the error is a *Error naming the byte offset (syntax
// errors) or the field path (type errors).
func Decode(doc string, v any) error {
	return DecodeBytes([]byte(doc), v)
}

// DecodeBytes is Decode for a byte slice.
func DecodeBytes(doc []byte, v any) error {
	rv := reflect.ValueOf(v)
	if rv.Kind() != reflect.Pointer || rv.IsNil() {
		return &Error{Code: CodeInvalidArg, Reason: fmt.Sprintf("Decode needs a non-nil pointer, got %T", v)}
	}
	root := rootName(rv.Type().Elem())
	if len(bytes.TrimSpace(doc)) == 0 {
		return nil
	}
	if len(doc) > MaxDocumentSize {
		return invalid(root, fmt.Sprintf("document is %d bytes, more than the limit of %d", len(doc), MaxDocumentSize))
	}
	if off, ok := tooDeep(doc, MaxDepth); ok {
		return invalid(root, fmt.Sprintf("nesting deeper than %d levels at byte offset %d", MaxDepth, off))
	}
	fresh := reflect.New(rv.Type().Elem())
	dec := json.NewDecoder(bytes.NewReader(doc))
	if err := dec.Decode(fresh.Interface()); err != nil {
		return decodeError(root, len(doc), err)
	}
	end := dec.InputOffset()
	if _, err := dec.Token(); err != io.EOF {
		return invalid(root, fmt.Sprintf("unexpected data after the document at byte offset %d", nextOffset(doc, end)))
	}
	rv.Elem().Set(fresh.Elem())
	return nil
}

// rootName is the path prefix for a document of type t: its type name, if any.
func rootName(t reflect.Type) string {
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	return t.Name()
}

// decodeError converts an encoding/json error into a *Error.
func decodeError(root string, size int, err error) *Error {
	var syn *json.SyntaxError
	var typ *json.UnmarshalTypeError
	switch {
	case errors.As(err, &syn):
		return invalid(root, fmt.Sprintf("invalid JSON at byte offset %d: %s", max(syn.Offset-1, 0), syn.Error()))
	case errors.As(err, &typ):
		return invalid(joinPath(root, typ.Field), fmt.Sprintf("expected %s, got %s", typeWord(typ.Type), typ.Value))
	case errors.Is(err, io.ErrUnexpectedEOF) || errors.Is(err, io.EOF):
		return invalid(root, fmt.Sprintf("invalid JSON at byte offset %d: unexpected end of input", size))
	}
	return invalid(root, err.Error())
}

// joinPath appends a dotted field path to the root name.
func joinPath(root, field string) string {
	switch {
	case field == "":
		return root
	case root == "":
		return field
	}
	return root + "." + field
}

// typeWord describes a Go type in JSON terms for error messages.
func typeWord(t reflect.Type) string {
	if t == nil {
		return "a different value"
	}
	switch {
	case t == reflect.TypeFor[ProcessSignalValue]():
		return "integer or string"
	case t.Kind() == reflect.Slice && t.Elem().Kind() == reflect.Uint8:
		return "base64 string"
	}
	switch t.Kind() {
	case reflect.Struct, reflect.Map:
		return "object"
	case reflect.Slice, reflect.Array:
		return "array"
	case reflect.String:
		return "string"
	case reflect.Bool:
		return "bool"
	}
	return t.Kind().String()
}

// nextOffset returns the offset of the first non-space byte at or after off.
func nextOffset(doc []byte, off int64) int64 {
	for off < int64(len(doc)) && isSpace(doc[off]) {
		off++
	}
	return off
}

func isSpace(c byte) bool { return c == ' ' || c == '\t' || c == '\n' || c == '\r' }

// tooDeep reports whether doc nests objects and arrays deeper than max, and the offset of
// the first bracket that does. Brackets inside strings are ignored.
func tooDeep(doc []byte, max int) (int, bool) {
	depth, inString, escaped := 0, false, false
	for i, c := range doc {
		switch {
		case inString:
			switch {
			case escaped:
				escaped = false
			case c == '\\':
				escaped = true
			case c == '"':
				inString = false
			}
		case c == '"':
			inString = true
		case c == '{' || c == '[':
			depth++
			if depth > max {
				return i, true
			}
		case c == '}' || c == ']':
			depth--
		}
	}
	return 0, false
}
