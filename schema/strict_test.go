package schema

import (
	"strings"
	"testing"
)

// wantDecodeError decodes doc into v and checks that it fails with HCS_E_INVALID_JSON and
// exactly the message want.
func wantDecodeError(t *testing.T, doc string, v any, want string) {
	t.Helper()
	e := asError(t, Decode(doc, v))
	if e.Code != CodeInvalidJSON || e.Error() != want {
		t.Errorf("Decode(%s)\n got %q (code %d)\nwant %q", doc, e.Error(), e.Code, want)
	}
}

func TestUnknownMembersAreErrors(t *testing.T) {
	cases := []struct{ name, doc, want string }{
		{"top level", `{"Owner":"a","FutureField":{"x":[1,2]},"Container":{}}`,
			"$.FutureField: unknown member"},
		{"nested", `{"Container":{"NewThing":true}}`,
			"$.Container.NewThing: unknown member"},
		{"array element", `{"Container":{"MappedDirectories":[{"HostPath":"/a","ContainerPath":"/b"},{"HostPath":"/c","Foo":1}]}}`,
			"$.Container.MappedDirectories[1].Foo: unknown member"},
		{"map value", `{"VirtualMachine":{"Devices":{"Scsi":{"0":{"Attachments":{"2":{"Type":"VirtualDisk","Bogus":1}}}}}}}`,
			`$.VirtualMachine.Devices.Scsi["0"].Attachments["2"].Bogus: unknown member`},
		{"name that is no identifier", `{"Container":{"a b":1}}`,
			`$.Container["a b"]: unknown member`},
		{"first in document order", `{"Container":{"Zzz":1},"Aaa":2}`,
			"$.Container.Zzz: unknown member"},
		{"under a member of the wrong case", `{"container":{"Bogus":1}}`,
			"$.container.Bogus: unknown member"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			wantDecodeError(t, tc.doc, new(ComputeSystem), tc.want)
		})
	}
}

func TestUnknownMemberSaysWhereItBelongs(t *testing.T) {
	cases := []struct{ name, doc, want string }{
		{"one level too high", `{"Container":{"HostName":"x"}}`,
			"$.Container.HostName: unknown member; HostName belongs in $.Container.GuestOs"},
		{"under the wrong object", `{"GuestConnection":{"UseVsock":true},"VirtualMachine":{}}`,
			"$.GuestConnection: unknown member; GuestConnection belongs in $.VirtualMachine"},
		{"other case", `{"Container":{"hostname":"x"}}`,
			"$.Container.hostname: unknown member; HostName belongs in $.Container.GuestOs"},
		{"in an array element", `{"Container":{"Storage":{"Layers":[{"Path":"/a","HostName":"x"}]}}}`,
			"$.Container.Storage.Layers[0].HostName: unknown member; HostName belongs in $.Container.GuestOs"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			wantDecodeError(t, tc.doc, new(ComputeSystem), tc.want)
		})
	}
}

func TestBelongsInListsFewPlaces(t *testing.T) {
	e := asError(t, Decode(`{"Attachments":{}}`, new(ComputeSystem)))
	if !strings.Contains(e.Reason, "Attachments belongs in $.VirtualMachine.Devices.Scsi[*]") {
		t.Errorf("hint through a map: %q", e.Reason)
	}
	e = asError(t, Decode(`{"Path":"x","Container":{}}`, new(ComputeSystem)))
	if !strings.Contains(e.Reason, "other places)") || strings.Count(e.Reason, "$.") != maxPlaces {
		t.Errorf("a name known in many places: %q", e.Reason)
	}
}

func TestMemberNamesMatchWithoutCase(t *testing.T) {
	var c ComputeSystem
	if err := Decode(`{"owner":"a","CONTAINER":{"guestos":{"hostName":"h"}}}`, &c); err != nil {
		t.Fatal(err)
	}
	if c.Owner != "a" || c.Container == nil || c.Container.GuestOs == nil || c.Container.GuestOs.HostName != "h" {
		t.Fatalf("decoded %+v", c)
	}
}

func TestUnknownMemberLeavesValue(t *testing.T) {
	c := ComputeSystem{Owner: "keep"}
	if err := Decode(`{"Owner":"new","Container":{"HostName":"x"}}`, &c); err == nil || c.Owner != "keep" {
		t.Fatalf("Decode = %v, Owner %q", err, c.Owner)
	}
}

func TestNullIsAcceptedForEveryMember(t *testing.T) {
	var c ComputeSystem
	doc := `{"Owner":null,"Container":{"MappedDirectories":null,"Storage":{"Layers":[null]}},"SchemaVersion":null}`
	if err := Decode(doc, &c); err != nil {
		t.Fatal(err)
	}
}

func TestFreeFormMembersAreCheckedWhereTheyAreDecoded(t *testing.T) {
	var r ModifySettingRequest
	doc := `{"ResourcePath":"Container/Processor","RequestType":"Update","Settings":{"Count":1,"Cores":2}}`
	if err := Decode(doc, &r); err != nil {
		t.Fatalf("the request itself: %v", err)
	}
	var p ContainerProcessor
	e := asError(t, DecodeAt("$.Settings", r.Settings, &p))
	if e.Code != CodeInvalidJSON || e.Error() != "$.Settings.Cores: unknown member" {
		t.Errorf("Settings: %q", e.Error())
	}
	var md MappedDirectory
	e = asError(t, DecodeAt("$.Settings", []byte(`{"HostPath":"/a","GuestOs":{}}`), &md))
	if e.Error() != "$.Settings.GuestOs: unknown member" {
		t.Errorf("Settings: %q", e.Error())
	}
	var cs ComputeSystem
	e = asError(t, DecodeAt("$.HostedSystem", []byte(`{"Container":{"HostName":"x"}}`), &cs))
	if e.Error() != "$.HostedSystem.Container.HostName: unknown member; HostName belongs in $.HostedSystem.Container.GuestOs" {
		t.Errorf("hint under a prefix: %q", e.Error())
	}
	e = asError(t, DecodeAt("$.Settings", []byte(`{"Count":"x"}`), &p))
	if e.Error() != "$.Settings.Count: expected uint32, got string" {
		t.Errorf("type error under a prefix: %q", e.Error())
	}
}

func TestFreeFormMembersAcceptAnything(t *testing.T) {
	var r ModifySettingRequest
	doc := `{"ResourcePath":"a","Settings":{"Anything":[1,{"Goes":null}]},"GuestRequest":{"X":1}}`
	if err := Decode(doc, &r); err != nil {
		t.Fatal(err)
	}
	var anyDoc any
	if err := Decode(`{"a":[1,"b"]}`, &anyDoc); err != nil {
		t.Fatal(err)
	}
}

func TestBase64IsChecked(t *testing.T) {
	var v struct{ Image []byte }
	wantDecodeError(t, `{"Image":"!!"}`, &v, "$.Image: expected base64 string: illegal base64 data at input byte 0")
	if err := Decode(`{"Image":"aGk="}`, &v); err != nil || string(v.Image) != "hi" {
		t.Fatalf("Decode = %v, %q", err, v.Image)
	}
}

func TestEmbeddedStructMembersArePromoted(t *testing.T) {
	type inner struct{ A int }
	var v struct {
		inner
		B    string `json:"b"`
		Skip string `json:"-"`
	}
	if err := Decode(`{"A":1,"b":"x"}`, &v); err != nil || v.A != 1 || v.B != "x" {
		t.Fatalf("Decode = %v, %+v", err, v)
	}
	wantDecodeError(t, `{"Skip":"x"}`, &v, "$.Skip: unknown member")
}

func TestRecordedDocumentsSkipUnknownMembers(t *testing.T) {
	var c ComputeSystem
	doc := `{"Owner":"a","Old":{"x":[1]},"Container":{"HostName":"h","GuestOs":{"HostName":"g"}}}`
	if err := DecodeRecorded(doc, &c); err != nil {
		t.Fatal(err)
	}
	if c.Owner != "a" || c.Container.GuestOs.HostName != "g" {
		t.Fatalf("decoded %+v", c)
	}
	e := asError(t, DecodeRecorded(`{"Old":1,"Container":{"Storage":{"Layers":[{"Path":7}]}}}`, new(ComputeSystem)))
	if e.Error() != "$.Container.Storage.Layers[0].Path: expected string, got number" {
		t.Errorf("a type error in a recorded document: %q", e.Error())
	}
	e = asError(t, DecodeRecorded(`{"Old":1}`, new(ComputeSystem)))
	if !strings.Contains(e.Error(), "exactly one of Container") {
		t.Errorf("a recorded document is validated: %q", e.Error())
	}
}
