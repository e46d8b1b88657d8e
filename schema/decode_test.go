package schema

import (
	"errors"
	"strings"
	"testing"
)

// asError returns err as a *Error or fails the test.
func asError(t *testing.T, err error) *Error {
	t.Helper()
	var e *Error
	if !errors.As(err, &e) {
		t.Fatalf("error %v (%T) is not a *schema.Error", err, err)
	}
	return e
}

func TestDecodeEmptyLeavesValue(t *testing.T) {
	for _, doc := range []string{"", "   ", "\n\t\r "} {
		c := ComputeSystem{Owner: "keep"}
		if err := Decode(doc, &c); err != nil || c.Owner != "keep" {
			t.Errorf("Decode(%q) = %v, Owner %q", doc, err, c.Owner)
		}
	}
}

func TestFormFeedIsNotBlank(t *testing.T) {
	e := asError(t, Decode("\f", new(ComputeSystem)))
	if e.Code != CodeInvalidJSON || !strings.HasPrefix(e.Error(), "$: invalid JSON at line 1, column 1") {
		t.Errorf("got %q", e.Error())
	}
}

func TestDecodeErrorLeavesValue(t *testing.T) {
	c := ComputeSystem{Owner: "keep"}
	if err := Decode(`{"Owner":"new","Container":{"Memory":{"SizeInMB":"x"}}}`, &c); err == nil {
		t.Fatal("Decode succeeded")
	}
	if c.Owner != "keep" {
		t.Errorf("Owner = %q after a failed decode", c.Owner)
	}
}

func TestDecodeNeedsPointer(t *testing.T) {
	var c ComputeSystem
	for _, v := range []any{c, (*ComputeSystem)(nil), nil} {
		e := asError(t, Decode(`{}`, v))
		if e.Code != CodeInvalidArg {
			t.Errorf("Decode into %T: code %d, want CodeInvalidArg", v, e.Code)
		}
	}
}

func TestDecodeErrors(t *testing.T) {
	cases := []struct {
		name, doc, want string
	}{
		{"syntax error names position", `{"Owner": x}`, "$: invalid JSON at line 1, column 11 (byte offset 10): invalid character 'x'"},
		{"syntax error on a later line", "{\n  \"Owner\": \"a\",\n  \"Container\": {,}\n}",
			"$: invalid JSON at line 3, column 17 (byte offset 34): invalid character ','"},
		{"column counts characters", "{\"Owner\": \"éé\" x}", "$: invalid JSON at line 1, column 16 (byte offset 17)"},
		{"truncated document", `{"Owner": "a"`, "$: invalid JSON at line 1, column 14 (byte offset 13): unexpected end of input"},
		{"type error names path", `{"Container":{"Memory":{"SizeInMB":"big"}}}`,
			"$.Container.Memory.SizeInMB: expected uint64, got string"},
		{"type error in array", `{"Container":{"Storage":{"Layers":[{"Path":1}]}}}`,
			"$.Container.Storage.Layers[0].Path: expected string, got number"},
		{"type error in a later element", `{"Container":{"Storage":{"Layers":[{"Path":"a"},{"Path":true}]}}}`,
			"$.Container.Storage.Layers[1].Path: expected string, got bool"},
		{"type error in a map value", `{"VirtualMachine":{"Devices":{"Scsi":{"0":{"Attachments":{"1":{"Path":[]}}}}}}}`,
			`$.VirtualMachine.Devices.Scsi["0"].Attachments["1"].Path: expected string, got array`},
		{"enum must be a string", `{"VirtualMachine":{"Chipset":{"Uefi":{"Console":3}}}}`,
			"$.VirtualMachine.Chipset.Uefi.Console: expected string, got number"},
		{"overflow", `{"VirtualMachine":{"Chipset":{"Uefi":{"BootThis":{"DiskNumber":70000}}}}}`,
			"$.VirtualMachine.Chipset.Uefi.BootThis.DiskNumber: expected uint16, got number 70000"},
		{"trailing data", `{"Owner":"a"} {}`, "$: unexpected data after the document at line 1, column 15 (byte offset 14)"},
		{"trailing garbage", `{"Owner":"a"}x`, "$: unexpected data after the document at line 1, column 14 (byte offset 13)"},
		{"not an object", `[1]`, "$: expected object, got array"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			var c ComputeSystem
			e := asError(t, Decode(tc.doc, &c))
			if e.Code != CodeInvalidJSON || !strings.HasPrefix(e.Error(), tc.want) {
				t.Errorf("got %q (code %d), want prefix %q", e.Error(), e.Code, tc.want)
			}
		})
	}
}

func TestDecodeSizeLimit(t *testing.T) {
	doc := `{"Owner":"` + strings.Repeat("a", MaxDocumentSize) + `"}`
	var c ComputeSystem
	e := asError(t, Decode(doc, &c))
	if !strings.Contains(e.Reason, "limit") {
		t.Errorf("reason %q", e.Reason)
	}
	var b ComputeSystem
	ok := `{"Owner":"` + strings.Repeat("a", MaxDocumentSize-20) + `"}`
	if err := Decode(ok, &b); err != nil {
		t.Errorf("document under the limit: %v", err)
	}
}

func TestDecodeDepthLimit(t *testing.T) {
	nest := func(n int) string {
		return `{"Settings":` + strings.Repeat("[", n-1) + strings.Repeat("]", n-1) + `}`
	}
	var r ModifySettingRequest
	if err := Decode(nest(MaxDepth), &r); err != nil {
		t.Errorf("depth %d: %v", MaxDepth, err)
	}
	e := asError(t, Decode(nest(MaxDepth+1), &r))
	if !strings.Contains(e.Reason, "nesting deeper than 64") {
		t.Errorf("reason %q", e.Reason)
	}
	// Brackets inside strings do not count.
	s := `{"ResourcePath":"` + strings.Repeat("[{", 100) + `\"` + `"}`
	if err := Decode(s, &r); err != nil {
		t.Errorf("brackets in a string: %v", err)
	}
}

func TestDecodeBytes(t *testing.T) {
	var p ProcessStatus
	if err := DecodeBytes([]byte(`{"ProcessId":7,"Exited":true}`), &p); err != nil || p.ProcessId != 7 || !p.Exited {
		t.Errorf("DecodeBytes = %v, %+v", err, p)
	}
}

func TestDecodeArrayOfDocuments(t *testing.T) {
	var ps []Properties
	doc := `[{"Id":"a","SystemType":"Container","State":"Running"},{"Id":"b","SystemType":"VirtualMachine"}]`
	if err := Decode(doc, &ps); err != nil || len(ps) != 2 || ps[0].State != StateRunning {
		t.Errorf("Decode = %v, %+v", err, ps)
	}
}

func TestCheckSyntaxNamesLineAndColumn(t *testing.T) {
	if err := CheckSyntax([]byte(`{"a":[1,2]}`)); err != nil {
		t.Fatalf("a well-formed document: %v", err)
	}
	err := CheckSyntax([]byte("{\n  \"Container\": {\"GuestOs\": {},}\n}"))
	var e *Error
	if !errors.As(err, &e) || e.Code != CodeInvalidJSON || !strings.Contains(err.Error(), "line 2, column 31") {
		t.Fatalf("CheckSyntax = %v, want HCS_E_INVALID_JSON at line 2, column 31", err)
	}
}
