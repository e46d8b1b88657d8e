package schema

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"reflect"
	"unicode/utf8"
)

// Limits on accepted documents.
const (
	// MaxDocumentSize is the largest document, in bytes, Decode accepts.
	MaxDocumentSize = 4 << 20
	// MaxDepth is the deepest nesting of objects and arrays Decode accepts.
	MaxDepth = 64
)

// Decode parses the JSON document doc into v, which must be a non-nil pointer. An empty doc,
// or one of JSON white space only (space, tab, CR, LF), means "no document": v is left
// unchanged and Decode returns nil.
//
// Decoding is strict, as in real HCS: a member that v's type does not have is an error
// (HCS_E_INVALID_JSON naming the member's path, and where a member of that name belongs
// when the schema has one elsewhere), as are values of the wrong kind or range, trailing
// data, and documents over MaxDocumentSize or MaxDepth. The spec's porting notes suggest
// accepting members of newer schema minors, but HCS refuses them (hcsshim reports
// "$.FilterType" refused that way) and clients send newer members only to a host whose
// supported schema versions include them, which ours lists. Member names match the way
// encoding/json matches them: the exact spelling first, else one that differs only in
// case. The spec leaves open whether HCS itself is case-sensitive (HCS-SCHEMA.md §1.1)
// and clients send the exact names, so accepting other cases refuses nothing a client
// relies on. Free-form members (json.RawMessage, such as ModifySettingRequest.Settings)
// are only checked to be JSON; whoever gives them a type decodes them with DecodeAt.
//
// On error v is left unchanged and the error is a *Error whose Path is a JSON path in the
// document ("$.Container.Storage.Layers[1].Path"); syntax errors name the line, column and
// byte offset.
func Decode(doc string, v any) error {
	return DecodeAt(string(root), []byte(doc), v)
}

// DecodeBytes is Decode for a byte slice.
func DecodeBytes(doc []byte, v any) error {
	return DecodeAt(string(root), doc, v)
}

// DecodeAt is Decode for a free-form member of a document that has been decoded already,
// such as the Settings of a ModifySettingRequest once its ResourcePath tells their type:
// at is the member's JSON path ("$.Settings"), and errors name paths under it.
func DecodeAt(at string, doc []byte, v any) error {
	return decode(at, doc, v, false)
}

// decode is DecodeAt; lenient skips unknown members instead of refusing them.
func decode(at string, doc []byte, v any, lenient bool) error {
	rv := reflect.ValueOf(v)
	if rv.Kind() != reflect.Pointer || rv.IsNil() {
		return &Error{Code: CodeInvalidArg, Reason: fmt.Sprintf("Decode needs a non-nil pointer, got %T", v)}
	}
	if blank(doc) {
		return nil
	}
	p, t := path(at), rv.Type().Elem()
	if e := checkDocument(p, doc); e != nil {
		return e
	}
	dec := json.NewDecoder(bytes.NewReader(doc))
	dec.UseNumber()
	s := &strict{dec: dec, root: t, at: p, lenient: lenient}
	if e := s.value(p, t); e != nil {
		return e
	}
	fresh := reflect.New(t)
	if err := json.Unmarshal(doc, fresh.Interface()); err != nil {
		return decodeError(p, err)
	}
	rv.Elem().Set(fresh.Elem())
	return nil
}

// checkDocument checks the size, depth and syntax of doc: one JSON value and nothing after.
// CheckSyntax reports a doc that is not one well-formed JSON value within the service's
// limits (size, depth) as a *Error (HCS_E_INVALID_JSON) naming the line and column of the
// first fault; nil when it is one. Clients check a document they read with it before sending
// it, and say where it is broken as the service would.
func CheckSyntax(doc []byte) error {
	if e := checkDocument(path("$"), doc); e != nil {
		return e
	}
	return nil
}

func checkDocument(p path, doc []byte) *Error {
	if len(doc) > MaxDocumentSize {
		return p.err(fmt.Sprintf("document is %d bytes, more than the limit of %d", len(doc), MaxDocumentSize))
	}
	if off, ok := tooDeep(doc, MaxDepth); ok {
		return p.err(fmt.Sprintf("nesting deeper than %d levels at %s", MaxDepth, position(doc, int64(off))))
	}
	dec := json.NewDecoder(bytes.NewReader(doc))
	var raw json.RawMessage
	if err := dec.Decode(&raw); err != nil {
		return syntaxError(p, doc, err)
	}
	if off := nextOffset(doc, dec.InputOffset()); off < int64(len(doc)) {
		return p.err("unexpected data after the document at " + position(doc, off))
	}
	return nil
}

// syntaxError describes the syntax error err a decoder found in doc. A decoder's offsets
// are relative to where it started reading, so the position comes from json.Unmarshal,
// which reports it from the start of doc.
func syntaxError(p path, doc []byte, err error) *Error {
	if errors.Is(err, io.ErrUnexpectedEOF) || errors.Is(err, io.EOF) {
		return p.err(fmt.Sprintf("invalid JSON at %s: unexpected end of input", position(doc, int64(len(doc)))))
	}
	var syn *json.SyntaxError
	if !errors.As(json.Unmarshal(doc, new(json.RawMessage)), &syn) {
		return p.err("invalid JSON: " + err.Error())
	}
	return p.err(fmt.Sprintf("invalid JSON at %s: %s", position(doc, max(syn.Offset-1, 0)), syn.Error()))
}

// position names byte offset off of doc as "line L, column C (byte offset off)"; lines and
// columns count from 1, and columns count characters.
func position(doc []byte, off int64) string {
	off = min(off, int64(len(doc)))
	before := doc[:off]
	line := bytes.Count(before, []byte{'\n'}) + 1
	col := utf8.RuneCount(before[bytes.LastIndexByte(before, '\n')+1:]) + 1
	return fmt.Sprintf("line %d, column %d (byte offset %d)", line, col, off)
}

// decodeError converts an error of encoding/json that the strict walk did not anticipate
// into a *Error; encoding/json names the field without array indices.
func decodeError(p path, err error) *Error {
	var typ *json.UnmarshalTypeError
	if errors.As(err, &typ) {
		return mismatch(joinPath(p, typ.Field), typ.Type, typ.Value)
	}
	return p.err(err.Error())
}

// joinPath appends encoding/json's dotted field path to p.
func joinPath(p path, field string) path {
	if field == "" {
		return p
	}
	return p + "." + path(field)
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
