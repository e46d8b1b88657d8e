package schema

import (
	"encoding/json"
	"fmt"
	"reflect"
	"slices"
	"strconv"
	"strings"
)

// enum is implemented by every generated enumeration type.
type enum interface {
	Valid() bool
	enumValues() []string
}

// checker is implemented by hand-written value types that validate themselves; check
// returns "" when the value is acceptable, else the reason.
type checker interface {
	check() string
}

var rawMessageType = reflect.TypeFor[json.RawMessage]()

// walk checks, anywhere under v, the rules that follow from the types alone: enumeration
// values, inline string unions (hcsenum tag), fixed array lengths (hcslen tag) and integer
// map keys (hcskey tag). It returns the first failure in document order.
func walk(p path, v reflect.Value) *Error {
	if !v.IsValid() {
		return nil
	}
	if k := v.Kind(); k == reflect.Pointer || k == reflect.Interface {
		if v.IsNil() {
			return nil
		}
		return walk(p, v.Elem())
	}
	if v.CanInterface() {
		if e := checkValue(p, v.Interface()); e != nil {
			return e
		}
	}
	switch v.Kind() {
	case reflect.Struct:
		return walkStruct(p, v)
	case reflect.Slice, reflect.Array:
		return walkSlice(p, v)
	case reflect.Map:
		return walkMap(p, v)
	}
	return nil
}

// checkValue applies the enum and checker interfaces to one value.
func checkValue(p path, x any) *Error {
	switch x := x.(type) {
	case enum:
		if reflect.ValueOf(x).String() != "" && !x.Valid() {
			return p.err(notOneOf(reflect.ValueOf(x).String(), x.enumValues()))
		}
	case checker:
		if r := x.check(); r != "" {
			return p.err(r)
		}
	}
	return nil
}

// notOneOf phrases an unknown enumeration value.
func notOneOf(v string, allowed []string) string {
	return fmt.Sprintf("%q is not one of %s", v, strings.Join(allowed, ", "))
}

// walkStruct checks each exported field under its JSON name.
func walkStruct(p path, v reflect.Value) *Error {
	t := v.Type()
	for i := range t.NumField() {
		sf := t.Field(i)
		if !sf.IsExported() {
			continue
		}
		name, _, _ := strings.Cut(sf.Tag.Get("json"), ",")
		if name == "-" {
			continue
		}
		if name == "" {
			name = sf.Name
		}
		fp, fv := p.field(name), v.Field(i)
		if e := checkTags(fp, sf.Tag, fv); e != nil {
			return e
		}
		if e := walk(fp, fv); e != nil {
			return e
		}
	}
	return nil
}

// checkTags applies the hcsenum, hcslen and hcskey field tags.
func checkTags(p path, tag reflect.StructTag, v reflect.Value) *Error {
	if allowed, ok := tag.Lookup("hcsenum"); ok && v.Kind() == reflect.String {
		vals := strings.Split(allowed, ",")
		if s := v.String(); s != "" && !slices.Contains(vals, s) {
			return p.err(notOneOf(s, vals))
		}
	}
	if n, ok := tag.Lookup("hcslen"); ok && v.Kind() == reflect.Slice && v.Len() != 0 {
		if want, _ := strconv.Atoi(n); v.Len() != want {
			return p.err(fmt.Sprintf("must have exactly %d elements, got %d", want, v.Len()))
		}
	}
	if kt, ok := tag.Lookup("hcskey"); ok && v.Kind() == reflect.Map {
		for _, k := range sortedKeys(v) {
			if r := checkIntKey(k, kt); r != "" {
				return p.key(k).err(r)
			}
		}
	}
	return nil
}

// checkIntKey checks that a map key is a decimal number of the spec integer type kt.
func checkIntKey(k, kt string) string {
	bits, _ := strconv.Atoi(strings.TrimPrefix(strings.TrimPrefix(kt, "u"), "int"))
	var err error
	if strings.HasPrefix(kt, "u") {
		_, err = strconv.ParseUint(k, 10, bits)
	} else {
		_, err = strconv.ParseInt(k, 10, bits)
	}
	if err != nil {
		return fmt.Sprintf("map key must be a decimal %s", kt)
	}
	return ""
}

// walkSlice checks each element; byte slices and raw JSON are opaque.
func walkSlice(p path, v reflect.Value) *Error {
	if v.Type() == rawMessageType || v.Type().Elem().Kind() == reflect.Uint8 {
		return nil
	}
	for i := range v.Len() {
		if e := walk(p.index(i), v.Index(i)); e != nil {
			return e
		}
	}
	return nil
}

// walkMap checks each value in key order.
func walkMap(p path, v reflect.Value) *Error {
	if v.Type().Key().Kind() != reflect.String {
		return nil
	}
	for _, k := range sortedKeys(v) {
		if e := walk(p.key(k), v.MapIndex(reflect.ValueOf(k).Convert(v.Type().Key()))); e != nil {
			return e
		}
	}
	return nil
}

// sortedKeys returns the keys of a string-keyed map in order.
func sortedKeys(v reflect.Value) []string {
	if v.Type().Key().Kind() != reflect.String {
		return nil
	}
	keys := make([]string, 0, v.Len())
	for _, k := range v.MapKeys() {
		keys = append(keys, k.String())
	}
	slices.Sort(keys)
	return keys
}
