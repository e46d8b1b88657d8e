package schema

import (
	"encoding"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"reflect"
	"strconv"
)

// strict walks the tokens of a well-formed document alongside the Go type it decodes into
// and reports, at its exact JSON path, the first member the type does not know or value of
// the wrong kind. encoding/json ignores unknown members and names type errors by field
// without array indices; real HCS refuses unknown members with HCS_E_INVALID_JSON and the
// member's path, and so do we.
type strict struct {
	dec *json.Decoder
	// root is the type being decoded and at the path it sits at, for "belongs in" hints.
	root reflect.Type
	at   path
	// lenient skips unknown members; see DecodeRecorded.
	lenient bool
}

var (
	unmarshalerType     = reflect.TypeFor[json.Unmarshaler]()
	textUnmarshalerType = reflect.TypeFor[encoding.TextUnmarshaler]()
)

// value checks the next value of the document as one of type t at p.
func (s *strict) value(p path, t reflect.Type) *Error {
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	if opaque(t) {
		return s.opaque(p, t)
	}
	tok, err := s.dec.Token()
	if err != nil {
		return p.err(err.Error())
	}
	switch tok := tok.(type) {
	case nil:
		return nil // null leaves any value unchanged
	case json.Delim:
		return s.composite(p, t, tok)
	}
	return scalar(p, t, tok)
}

// opaque reports whether values of t are not walked: free-form JSON (json.RawMessage, any)
// that is decoded, strictly, only where its type is known, and types that decode themselves.
func opaque(t reflect.Type) bool {
	pt := reflect.PointerTo(t)
	return t == rawMessageType || t.Kind() == reflect.Interface ||
		pt.Implements(unmarshalerType) || pt.Implements(textUnmarshalerType)
}

// opaque consumes a value of an opaque type; one that decodes itself must accept it.
func (s *strict) opaque(p path, t reflect.Type) *Error {
	var raw json.RawMessage
	if err := s.dec.Decode(&raw); err != nil {
		return p.err(err.Error())
	}
	if t == rawMessageType || t.Kind() == reflect.Interface {
		return nil
	}
	if err := json.Unmarshal(raw, reflect.New(t).Interface()); err != nil {
		return valueError(p, err)
	}
	return nil
}

// valueError converts the error of a type that decodes itself into a *Error at p.
func valueError(p path, err error) *Error {
	if typ, ok := err.(*json.UnmarshalTypeError); ok {
		return mismatch(p, typ.Type, typ.Value)
	}
	return p.err(err.Error())
}

// composite checks an object or array that starts with d.
func (s *strict) composite(p path, t reflect.Type, d json.Delim) *Error {
	switch {
	case d == '{' && t.Kind() == reflect.Struct:
		return s.object(p, t)
	case d == '{' && t.Kind() == reflect.Map:
		return s.entries(p, t)
	case d == '[' && (t.Kind() == reflect.Slice || t.Kind() == reflect.Array) && !isBytes(t):
		return s.elements(p, t)
	case d == '{':
		return mismatch(p, t, "object")
	}
	return mismatch(p, t, "array")
}

// object checks each member of an object decoded into struct type t.
func (s *strict) object(p path, t reflect.Type) *Error {
	fields := fieldsOf(t)
	for s.dec.More() {
		name, e := s.key(p)
		if e != nil {
			return e
		}
		f, ok := fields.lookup(name)
		if !ok && s.lenient {
			if e := s.opaque(p.field(name), rawMessageType); e != nil {
				return e
			}
			continue
		}
		if !ok {
			return s.unknown(p, name)
		}
		if e := s.value(p.field(name), f.typ); e != nil {
			return e
		}
	}
	return s.end(p)
}

// entries checks each value of an object decoded into map type t.
func (s *strict) entries(p path, t reflect.Type) *Error {
	for s.dec.More() {
		k, e := s.key(p)
		if e != nil {
			return e
		}
		if e := s.value(p.key(k), t.Elem()); e != nil {
			return e
		}
	}
	return s.end(p)
}

// elements checks each element of an array decoded into slice or array type t.
func (s *strict) elements(p path, t reflect.Type) *Error {
	for i := 0; s.dec.More(); i++ {
		if e := s.value(p.index(i), t.Elem()); e != nil {
			return e
		}
	}
	return s.end(p)
}

// key reads a member name.
func (s *strict) key(p path) (string, *Error) {
	tok, err := s.dec.Token()
	if err != nil {
		return "", p.err(err.Error())
	}
	k, _ := tok.(string)
	return k, nil
}

// end reads the closing bracket of an object or array.
func (s *strict) end(p path) *Error {
	if _, err := s.dec.Token(); err != nil {
		return p.err(err.Error())
	}
	return nil
}

// unknown is the error for member name of the object at p, which its type does not have.
func (s *strict) unknown(p path, name string) *Error {
	reason := "unknown member"
	if where := belongsIn(s.root, s.at, name); where != "" {
		reason += "; " + where
	}
	return p.field(name).err(reason)
}

// scalar checks a string, number or bool token against t.
func scalar(p path, t reflect.Type, tok json.Token) *Error {
	switch tok := tok.(type) {
	case string:
		return stringFits(p, t, tok)
	case bool:
		if t.Kind() != reflect.Bool {
			return mismatch(p, t, "bool")
		}
	case json.Number:
		return numberFits(p, t, tok)
	}
	return nil
}

// stringFits checks a string against t: a string type, or base64 for a byte slice.
func stringFits(p path, t reflect.Type, v string) *Error {
	switch {
	case t.Kind() == reflect.String:
		return nil
	case isBytes(t):
		if _, err := base64.StdEncoding.DecodeString(v); err != nil {
			return p.err("expected base64 string: " + err.Error())
		}
		return nil
	}
	return mismatch(p, t, "string")
}

// numberFits checks a number against t: it must be of t's kind and in t's range.
func numberFits(p path, t reflect.Type, n json.Number) *Error {
	var err error
	switch t.Kind() {
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		_, err = strconv.ParseInt(string(n), 10, t.Bits())
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		_, err = strconv.ParseUint(string(n), 10, t.Bits())
	case reflect.Float32, reflect.Float64:
		_, err = strconv.ParseFloat(string(n), t.Bits())
	default:
		return mismatch(p, t, "number")
	}
	if err != nil {
		return mismatch(p, t, "number "+string(n))
	}
	return nil
}

// mismatch is the error for a value of the wrong kind: got names what the document holds.
func mismatch(p path, t reflect.Type, got string) *Error {
	return p.err(fmt.Sprintf("expected %s, got %s", typeWord(t), got))
}

// isBytes reports whether t is a byte slice, which JSON holds as a base64 string (a byte
// array is an array of numbers).
func isBytes(t reflect.Type) bool {
	return t.Kind() == reflect.Slice && t.Elem().Kind() == reflect.Uint8
}
