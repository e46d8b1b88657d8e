package vm

import (
	"context"
	"encoding/json"
	"testing"

	"github.com/linuxhcs/hcs/internal/refusaltable"
	"github.com/linuxhcs/hcs/schema"
)

// TestRefusalTable feeds every VM row of docs/refused.md to the code that refuses it and
// checks the code and message the table gives. No VM boots: each refusal happens before
// QEMU is asked anything.
func TestRefusalTable(t *testing.T) {
	refusaltable.CheckAll(t, "VM", vmRefusals)
}

// vmRefusals runs each call of the table on its input.
var vmRefusals = map[string]func(t *testing.T, input string) error{
	"create": func(t *testing.T, input string) error {
		var vm schema.VirtualMachine
		mustDecode(t, input, &vm)
		if vm.Chipset == nil {
			vm.Chipset = &schema.Chipset{LinuxKernelDirect: &schema.LinuxKernelDirect{KernelFilePath: "/k"}}
		}
		_, err := BuildCommand(Config{ID: "x", VM: &vm, Accel: AccelTCG, FirmwareCode: "/code.fd", FirmwareVars: "/v"})
		return err
	},
	"shutdown": func(t *testing.T, input string) error {
		return CheckShutdownOptions(decodeOptions[schema.ShutdownOptions](t, "ShutdownOptions", input))
	},
	"shutdown, no guest connection": func(t *testing.T, input string) error {
		return checkMechanism(decodeOptions[schema.ShutdownOptions](t, "ShutdownOptions", input).Mechanism, false)
	},
	"pause": func(t *testing.T, input string) error {
		return CheckPauseOptions(decodeOptions[schema.PauseOptions](t, "PauseOptions", input))
	},
	"save": func(t *testing.T, input string) error {
		return CheckSaveOptions(decodeOptions[schema.SaveOptions](t, "SaveOptions", input))
	},
	"modify": func(t *testing.T, input string) error {
		return new(System).Modify(context.Background(), modifyRequest(t, input))
	},
	"modify, running": func(t *testing.T, input string) error {
		running := &System{qemu: &qemuProcess{done: make(chan struct{})}, scsi: map[string]string{"0": "scsi0"}}
		return running.Modify(context.Background(), modifyRequest(t, input))
	},
	"modify, created": func(t *testing.T, input string) error {
		cfg := &schema.VirtualMachine{Devices: &schema.Devices{Scsi: map[string]schema.Scsi{"0": {}}}}
		return applyBeforeStart(cfg, modifyRequest(t, input))
	},
	"properties": func(t *testing.T, input string) error {
		var types []schema.SystemPropertyType
		mustDecode(t, input, &types)
		return new(System).Properties(context.Background(), types, new(schema.Properties))
	},
}

func mustDecode(t *testing.T, doc string, v any) {
	t.Helper()
	if err := json.Unmarshal([]byte(doc), v); err != nil {
		t.Fatalf("%s: %v", doc, err)
	}
}

func modifyRequest(t *testing.T, doc string) *schema.ModifySettingRequest {
	t.Helper()
	req := new(schema.ModifySettingRequest)
	if err := schema.Decode(doc, req); err != nil {
		t.Fatalf("%s: %v", doc, err)
	}
	return req
}

// decodeOptions decodes an options document as the service does.
func decodeOptions[T any, P schema.Input[T]](t *testing.T, name, doc string) *T {
	t.Helper()
	v, err := schema.DecodeOptional[T, P](name, doc)
	if err != nil {
		t.Fatalf("%s: %v", doc, err)
	}
	return v
}
