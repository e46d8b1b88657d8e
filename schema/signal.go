package schema

import (
	"bytes"
	"encoding/json"
	"fmt"
	"reflect"
	"strconv"
)

// ProcessSignalValue is SignalProcessOptions.Signal: a ProcessSignal name such as "CtrlC"
// (Windows guests) or a JSON integer holding a POSIX signal number (Linux guests). The zero
// value holds neither.
type ProcessSignalValue struct {
	name   ProcessSignal
	number int64
	isNum  bool
}

// SignalNumber returns a signal value holding the POSIX signal number n.
func SignalNumber(n int) *ProcessSignalValue {
	return &ProcessSignalValue{number: int64(n), isNum: true}
}

// SignalName returns a signal value holding the console event name s.
func SignalName(s ProcessSignal) *ProcessSignalValue {
	return &ProcessSignalValue{name: s}
}

// Number returns the signal number and true when v holds a number.
func (v ProcessSignalValue) Number() (int64, bool) { return v.number, v.isNum }

// Name returns the console event name and true when v holds a name.
func (v ProcessSignalValue) Name() (ProcessSignal, bool) { return v.name, !v.isNum && v.name != "" }

// String returns the number in decimal or the name.
func (v ProcessSignalValue) String() string {
	if v.isNum {
		return strconv.FormatInt(v.number, 10)
	}
	return string(v.name)
}

// MarshalJSON writes a number or a string; the zero value is written as null.
func (v ProcessSignalValue) MarshalJSON() ([]byte, error) {
	if v.isNum {
		return []byte(strconv.FormatInt(v.number, 10)), nil
	}
	if v.name == "" {
		return []byte("null"), nil
	}
	return json.Marshal(string(v.name))
}

// UnmarshalJSON accepts a JSON string or an integer; null leaves v unchanged.
func (v *ProcessSignalValue) UnmarshalJSON(b []byte) error {
	b = bytes.TrimSpace(b)
	if len(b) == 0 || string(b) == "null" {
		return nil
	}
	switch {
	case b[0] == '"':
		var s string
		if err := json.Unmarshal(b, &s); err != nil {
			return err
		}
		*v = ProcessSignalValue{name: ProcessSignal(s)}
		return nil
	case b[0] == '-' || (b[0] >= '0' && b[0] <= '9'):
		n, err := strconv.ParseInt(string(b), 10, 64)
		if err != nil {
			return &json.UnmarshalTypeError{Value: "number " + string(b), Type: reflect.TypeFor[ProcessSignalValue]()}
		}
		*v = ProcessSignalValue{number: n, isNum: true}
		return nil
	}
	return &json.UnmarshalTypeError{Value: jsonKind(b[0]), Type: reflect.TypeFor[ProcessSignalValue]()}
}

// jsonKind names the kind of JSON value that starts with c.
func jsonKind(c byte) string {
	switch c {
	case '{':
		return "object"
	case '[':
		return "array"
	case 't', 'f':
		return "bool"
	}
	return "value"
}

// check implements checker: a number must be a signal number 1..64, a name one of the
// ProcessSignal values.
func (v ProcessSignalValue) check() string {
	if v.isNum {
		if v.number < 1 || v.number > 64 {
			return fmt.Sprintf("signal number %d is outside 1..64", v.number)
		}
		return ""
	}
	if v.name != "" && !v.name.Valid() {
		return notOneOf(string(v.name), v.name.enumValues()) + " or a signal number"
	}
	return ""
}
