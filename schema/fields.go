package schema

import (
	"reflect"
	"strings"
	"sync"
)

// field is one JSON member of a struct type.
type field struct {
	name string
	typ  reflect.Type
}

// fields are the JSON members of a struct type, in declaration order.
type fields []field

// fieldCache maps a struct type to its fields.
var fieldCache sync.Map

// fieldsOf returns the JSON members of struct type t as encoding/json sees them: exported
// fields under their json tag name (or Go name), "-" left out, and the fields of an untagged
// embedded struct promoted.
func fieldsOf(t reflect.Type) fields {
	if f, ok := fieldCache.Load(t); ok {
		return f.(fields)
	}
	var out fields
	for i := range t.NumField() {
		out = append(out, structField(t.Field(i))...)
	}
	fieldCache.Store(t, out)
	return out
}

// structField returns the members one struct field contributes.
func structField(sf reflect.StructField) fields {
	tag := sf.Tag.Get("json")
	name, _, _ := strings.Cut(tag, ",")
	if name == "-" && tag == "-" {
		return nil
	}
	ft := sf.Type
	if sf.Anonymous && name == "" {
		if ft.Kind() == reflect.Pointer {
			ft = ft.Elem()
		}
		if ft.Kind() == reflect.Struct {
			return fieldsOf(ft)
		}
	}
	if !sf.IsExported() {
		return nil
	}
	if name == "" {
		name = sf.Name
	}
	return fields{{name: name, typ: sf.Type}}
}

// lookup finds the member a JSON name sets, the way encoding/json does: the exact name if
// there is one, else the first whose name differs only in case.
func (fs fields) lookup(name string) (field, bool) {
	for _, f := range fs {
		if f.name == name {
			return f, true
		}
	}
	for _, f := range fs {
		if strings.EqualFold(f.name, name) {
			return f, true
		}
	}
	return field{}, false
}
