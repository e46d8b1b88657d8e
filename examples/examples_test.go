// Package examples holds the example documents of Linux HCS; its test checks that each is
// a valid document of its kind.
package examples

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"regexp"
	"testing"

	"github.com/linuxhcs/hcs/schema"
)

// validatable is a schema document with a Validate method.
type validatable interface{ Validate() error }

// documents names each example and a new value of its document type.
var documents = map[string]func() validatable{
	"container.json": func() validatable { return new(schema.ComputeSystem) },
	"vm.json":        func() validatable { return new(schema.ComputeSystem) },
	"process.json":   func() validatable { return new(schema.ProcessParameters) },
	"modify.json":    func() validatable { return new(schema.ModifySettingRequest) },
	"layerdata.json": func() validatable { return new(schema.LayerData) },
}

func TestExamplesAreValid(t *testing.T) {
	for name, newDoc := range documents {
		t.Run(name, func(t *testing.T) {
			b, err := os.ReadFile(name)
			if err != nil {
				t.Fatal(err)
			}
			doc := newDoc()
			if err := schema.DecodeBytes(b, doc); err != nil {
				t.Fatalf("Decode: %v", err)
			}
			if err := doc.Validate(); err != nil {
				t.Fatalf("Validate: %v", err)
			}
		})
	}
}

func TestSpecificExamples(t *testing.T) {
	var c schema.ComputeSystem
	decode(t, "container.json", &c)
	if c.Container == nil || c.Container.Storage == nil || len(c.Container.Storage.Layers) == 0 || c.Container.Storage.Path == "" {
		t.Error("container.json: the container needs layers and a writable layer path (hcsdiag create --layer/--scratch replace them)")
	}
	var vm schema.ComputeSystem
	decode(t, "vm.json", &vm)
	if vm.VirtualMachine == nil || vm.VirtualMachine.Chipset == nil || vm.VirtualMachine.Chipset.LinuxKernelDirect == nil || vm.VirtualMachine.GuestConnection == nil {
		t.Error("vm.json: a LinuxKernelDirect VM with a GuestConnection is expected")
	}
	var m schema.ModifySettingRequest
	decode(t, "modify.json", &m)
	var mb uint64
	if m.ResourcePath != "Container/Memory/SizeInMB" || json.Unmarshal(m.Settings, &mb) != nil || mb == 0 {
		t.Errorf("modify.json: want a memory update, got %s %s", m.ResourcePath, m.Settings)
	}
}

// TestReadmeDescribesEveryExample checks that README.md has a section for every example and
// mentions every member each example uses.
func TestReadmeDescribesEveryExample(t *testing.T) {
	readme, err := os.ReadFile("README.md")
	if err != nil {
		t.Fatal(err)
	}
	files, _ := filepath.Glob("*.json")
	if len(files) != len(documents) {
		t.Errorf("examples %v, but the test knows %d", files, len(documents))
	}
	member := regexp.MustCompile(`"([A-Z][A-Za-z0-9]*)"\s*:`)
	for _, f := range files {
		if !bytes.Contains(readme, []byte("## "+f)) {
			t.Errorf("README.md has no section for %s", f)
		}
		b, _ := os.ReadFile(f)
		for _, m := range member.FindAllSubmatch(b, -1) {
			if !bytes.Contains(readme, m[1]) {
				t.Errorf("README.md does not describe %s, used in %s", m[1], f)
			}
		}
	}
}

func decode(t *testing.T, name string, v any) {
	t.Helper()
	b, err := os.ReadFile(name)
	if err != nil {
		t.Fatal(err)
	}
	if err := schema.DecodeBytes(b, v); err != nil {
		t.Fatal(err)
	}
}
