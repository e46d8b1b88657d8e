package schema

import (
	"encoding/json"
	"errors"
	"reflect"
	"strings"
	"testing"
)

// fuzzDecodeValidate decodes doc into v and validates it; neither may panic, every error
// must be a *Error that says something, and a document Decode accepts must also be one
// encoding/json decodes without unknown fields.
func fuzzDecodeValidate(t *testing.T, doc string, v validator) {
	err := Decode(doc, v)
	if err == nil && !Blank(doc) {
		dec := json.NewDecoder(strings.NewReader(doc))
		dec.DisallowUnknownFields()
		if jerr := dec.Decode(reflect.New(reflect.TypeOf(v).Elem()).Interface()); jerr != nil {
			t.Fatalf("Decode accepted %q, which encoding/json refuses: %v", doc, jerr)
		}
	}
	if err == nil {
		err = v.Validate()
	}
	if err == nil {
		return
	}
	var e *Error
	if !errors.As(err, &e) {
		t.Fatalf("error %v (%T) is not a *schema.Error", err, err)
	}
	if e.Path == "" && e.Reason == "" {
		t.Fatalf("error with neither path nor reason for %q", doc)
	}
	if e.Code != CodeInvalidArg && !strings.HasPrefix(e.Path, "$") {
		t.Fatalf("error path %q is not a JSON path", e.Path)
	}
}

// seed adds the given documents, the inline examples and, when the shared files are
// present, their examples to the corpus.
func seed(f *testing.F, docs ...string) {
	for _, d := range docs {
		f.Add(d)
	}
	for _, e := range sharedExamples() {
		f.Add(e.doc)
	}
	for _, e := range inlineExamples {
		f.Add(e.doc)
	}
}

func FuzzDecodeComputeSystem(f *testing.F) {
	seed(f, `{"Container":{}}`, `{"HostingSystemId":"u","HostedSystem":{"Container":{"Storage":{"Layers":[{"Path":"a"}]}}}}`,
		`{"VirtualMachine":{"Devices":{"Scsi":{"0":{"Attachments":{"0":{"Type":"VirtualDisk"}}}},"ComPorts":{"1":{}}}}}`,
		`{"Container":{"Processor":{"Count":1,"Weight":-5}}}`, ``, `null`, `[]`)
	f.Fuzz(func(t *testing.T, doc string) {
		fuzzDecodeValidate(t, doc, new(ComputeSystem))
	})
}

func FuzzDecodeProcessParameters(f *testing.F) {
	seed(f, `{"CommandLine":"sh"}`, `{"CommandArgs":["a"],"ConsoleSize":[1,2,3]}`, `{"Environment":{"A":"B"}}`)
	f.Fuzz(func(t *testing.T, doc string) {
		fuzzDecodeValidate(t, doc, new(ProcessParameters))
	})
}

func FuzzDecodeModifySettingRequest(f *testing.F) {
	seed(f, `{"ResourcePath":"a","RequestType":"Add","Settings":4096}`, `{"GuestRequest":{}}`, `{"RequestType":"Nope"}`)
	f.Fuzz(func(t *testing.T, doc string) {
		fuzzDecodeValidate(t, doc, new(ModifySettingRequest))
	})
}
