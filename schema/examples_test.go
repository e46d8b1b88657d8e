package schema

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"regexp"
	"strings"
	"testing"
)

// example is one ```json block of a shared document.
type example struct {
	name string
	doc  string
}

var jsonBlock = regexp.MustCompile("(?s)```json\n(.*?)```")

// examples returns the ```json blocks of a shared file, restricted to the text between
// the headings from and to when from is not empty.
func examples(t testing.TB, rel, from, to string) []example {
	t.Helper()
	_, b := sharedFile(t, rel)
	out, err := extractExamples(rel, string(b), from, to)
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// extractExamples cuts the ```json blocks out of text.
func extractExamples(rel, text, from, to string) ([]example, error) {
	if from != "" {
		i := strings.Index(text, from)
		if i < 0 {
			return nil, fmt.Errorf("%s: heading %q not found", rel, from)
		}
		text = text[i:]
		if j := strings.Index(text, to); j >= 0 {
			text = text[:j]
		}
	}
	var out []example
	for i, m := range jsonBlock.FindAllStringSubmatch(text, -1) {
		out = append(out, example{name: fmt.Sprintf("%s#%d", rel, i+1), doc: m[1]})
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("%s: no json examples found", rel)
	}
	return out, nil
}

// Where the examples are: every block of the schema spec, and the blocks of §3 of the
// hcsshim research notes.
const (
	schemaSpec   = "spec/HCS-SCHEMA.md"
	hcsshimNotes = "research/HCSSHIM-CLIENT.md"
	hcsshimFrom  = "## 3. Example documents"
	hcsshimTo    = "\n## 4."
)

// allExamples returns the examples of HCS-SCHEMA.md and of HCSSHIM-CLIENT.md §3.
func allExamples(t testing.TB) []example {
	ex := examples(t, schemaSpec, "", "")
	return append(ex, examples(t, hcsshimNotes, hcsshimFrom, hcsshimTo)...)
}

// sharedExamples returns whichever examples are readable, for seeding fuzz targets.
func sharedExamples() []example {
	var out []example
	for _, src := range []struct{ rel, from, to string }{{schemaSpec, "", ""}, {hcsshimNotes, hcsshimFrom, hcsshimTo}} {
		b, err := os.ReadFile(filepath.Join(sharedDir, src.rel))
		if err != nil {
			continue
		}
		if ex, err := extractExamples(src.rel, string(b), src.from, src.to); err == nil {
			out = append(out, ex...)
		}
	}
	return out
}

// kind says which document type an example is and whether it is an API input.
type kind struct {
	newDoc func() any
	input  bool
}

// classify picks the document type from an example's top-level members; ok is false for
// documents that are not HCS API documents (guest-agent messages).
func classify(t *testing.T, doc string) (kind, bool) {
	var top map[string]json.RawMessage
	if err := json.Unmarshal([]byte(doc), &top); err != nil {
		t.Fatalf("example is not a JSON object: %v", err)
	}
	has := func(names ...string) bool {
		for _, n := range names {
			if _, ok := top[n]; ok {
				return true
			}
		}
		return false
	}
	switch {
	case has("ContainerId"):
		return kind{}, false
	case has("Container", "VirtualMachine", "HostedSystem"):
		return kind{func() any { return new(ComputeSystem) }, true}, true
	case has("ResourcePath"):
		return kind{func() any { return new(ModifySettingRequest) }, true}, true
	case has("ResourceType"):
		return kind{func() any { return new(GuestModifySettingRequest) }, false}, true
	case has("CommandLine", "CommandArgs"):
		return kind{func() any { return new(ProcessParameters) }, true}, true
	case has("Layers"):
		return kind{func() any { return new(LayerData) }, true}, true
	case has("SystemType"):
		return kind{func() any { return new(Properties) }, false}, true
	case has("PropertyType"):
		return kind{func() any { return new(ModificationRequest) }, true}, true
	}
	t.Fatalf("cannot tell which document this example is: %s", doc)
	return kind{}, false
}

func TestExamplesRoundTrip(t *testing.T) {
	for _, ex := range allExamples(t) {
		t.Run(ex.name, func(t *testing.T) {
			k, ok := classify(t, ex.doc)
			if !ok {
				t.Skip("not an HCS API document")
			}
			v := k.newDoc()
			if err := Decode(ex.doc, v); err != nil {
				t.Fatalf("Decode: %v", err)
			}
			if vv, ok := v.(validator); ok && k.input {
				if err := vv.Validate(); err != nil {
					t.Fatalf("Validate: %v", err)
				}
			}
			out, err := json.Marshal(v)
			if err != nil {
				t.Fatalf("Marshal: %v", err)
			}
			if a, b := normalise(t, ex.doc), normalise(t, string(out)); !reflect.DeepEqual(a, b) {
				t.Errorf("re-encoded document differs\n in: %v\nout: %v", a, b)
			}
		})
	}
}

// normalise parses a document and drops the members omitempty leaves out (false, 0, "",
// null, empty arrays and objects), so that documents compare equal regardless of key
// order and of explicitly written default values.
func normalise(t *testing.T, doc string) any {
	dec := json.NewDecoder(strings.NewReader(doc))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil {
		t.Fatalf("normalise: %v", err)
	}
	return prune(v)
}

// prune removes empty members recursively; it returns nil for an empty value.
func prune(v any) any {
	switch x := v.(type) {
	case map[string]any:
		for k, e := range x {
			if p := prune(e); p == nil {
				delete(x, k)
			} else {
				x[k] = p
			}
		}
		if len(x) == 0 {
			return nil
		}
	case []any:
		for i := range x {
			x[i] = prune(x[i])
		}
		if len(x) == 0 {
			return nil
		}
	case bool:
		if !x {
			return nil
		}
	case string:
		if x == "" {
			return nil
		}
	case json.Number:
		if f, err := x.Float64(); err == nil && f == 0 {
			return nil
		}
	}
	return v
}

func TestEmptyStructsEncodeAsObjects(t *testing.T) {
	doc := `{"VirtualMachine":{"Devices":{"Plan9":{},"Battery":{},"Keyboard":{}},"Services":{"Heartbeat":{}}}}`
	var c ComputeSystem
	if err := Decode(doc, &c); err != nil {
		t.Fatal(err)
	}
	out, err := json.Marshal(c)
	if err != nil {
		t.Fatal(err)
	}
	var want, got any
	_ = json.Unmarshal([]byte(doc), &want)
	_ = json.Unmarshal(out, &got)
	if !reflect.DeepEqual(want, got) {
		t.Errorf("got %s, want %s", out, doc)
	}
}

func TestIntegerKeyedMapsUseStringKeys(t *testing.T) {
	c := ComputeSystem{VirtualMachine: &VirtualMachine{Devices: &Devices{
		Scsi: map[string]Scsi{"primary": {Attachments: map[string]Attachment{"0": {Type: AttachmentTypeVirtualDisk, Path: "os.vhdx"}}}},
	}}}
	out, err := json.Marshal(c)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Contains(out, []byte(`"Attachments":{"0":{"Type":"VirtualDisk","Path":"os.vhdx"}}`)) {
		t.Errorf("encoded %s", out)
	}
}
