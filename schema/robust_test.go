package schema

import (
	"reflect"
	"testing"
)

// fill sets every pointer, slice and map under v to a non-empty zero-valued element, down
// to depth levels, so that validation visits every branch of the type.
func fill(v reflect.Value, depth int) {
	if depth == 0 {
		return
	}
	switch v.Kind() {
	case reflect.Pointer:
		if v.IsNil() && v.CanSet() {
			v.Set(reflect.New(v.Type().Elem()))
		}
		if !v.IsNil() {
			fill(v.Elem(), depth-1)
		}
	case reflect.Struct:
		for i := range v.NumField() {
			if v.Type().Field(i).IsExported() {
				fill(v.Field(i), depth-1)
			}
		}
	case reflect.Slice:
		if v.Type() == rawMessageType || v.Type().Elem().Kind() == reflect.Uint8 {
			return
		}
		s := reflect.MakeSlice(v.Type(), 1, 1)
		fill(s.Index(0), depth-1)
		v.Set(s)
	case reflect.Map:
		m := reflect.MakeMap(v.Type())
		e := reflect.New(v.Type().Elem()).Elem()
		fill(e, depth-1)
		m.SetMapIndex(reflect.ValueOf("0").Convert(v.Type().Key()), e)
		v.Set(m)
	}
}

// TestValidateFilledDocuments validates documents whose every optional member is present
// but empty: validation must report a *Error, never panic.
func TestValidateFilledDocuments(t *testing.T) {
	docs := []validator{new(ComputeSystem), new(ProcessParameters), new(ProcessModifyRequest),
		new(SignalProcessOptions), new(SystemQuery), new(SystemPropertyQuery), new(ModifySettingRequest),
		new(ShutdownOptions), new(SaveOptions), new(PauseOptions), new(CrashOptions), new(LayerData),
		new(OsLayerOptions), new(ExportLayerOptions), new(ServicePropertyQuery), new(ModificationRequest),
		new(CrashReport)}
	for _, d := range docs {
		for depth := 1; depth < 30; depth += 3 {
			fill(reflect.ValueOf(d), depth)
			if err := d.Validate(); err != nil {
				asError(t, err)
			}
		}
	}
}
