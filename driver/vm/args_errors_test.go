package vm

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/linuxhcs/hcs/hresult"
	"github.com/linuxhcs/hcs/schema"
)

// TestBuildCommandErrors checks that bad or unsupported documents fail with the right code
// and a message naming the field.
func TestBuildCommandErrors(t *testing.T) {
	kernel := `"Chipset":{"LinuxKernelDirect":{"KernelFilePath":"/k"}}`
	cases := []struct {
		name, doc string
		code      hresult.HRESULT
		field     string
	}{
		{"no chipset", `{}`, hresult.E_INVALIDARG, "$.VirtualMachine.Chipset: "},
		{"uefi without firmware", `{"Chipset":{"Uefi":{}}}`, hresult.HCS_E_SERVICE_NOT_AVAILABLE, "$.VirtualMachine.Chipset.Uefi: "},
		{"relative disk", `{` + kernel + `,"Devices":{"Scsi":{"0":{"Attachments":{"0":{"Path":"d.img"}}}}}}`, hresult.E_INVALIDARG, `Attachments["0"].Path`},
		{"bad lun", `{` + kernel + `,"Devices":{"Scsi":{"0":{"Attachments":{"300":{"Path":"/d.img"}}}}}}`, hresult.E_INVALIDARG, "LUN"},
		{"passthru", `{` + kernel + `,"Devices":{"Scsi":{"0":{"Attachments":{"0":{"Type":"PassThru","Path":"/dev/sda"}}}}}}`, hresult.ERROR_NOT_SUPPORTED, ".Type"},
		{"com port 2", `{` + kernel + `,"Devices":{"ComPorts":{"2":{"NamedPipe":"/x"}}}}`, hresult.E_INVALIDARG, `ComPorts["2"]`},
		{"windows pipe", `{` + kernel + `,"Devices":{"ComPorts":{"0":{"NamedPipe":"\\\\.\\pipe\\x"}}}}`, hresult.E_INVALIDARG, "NamedPipe"},
		{"bad tag", `{` + kernel + `,"Devices":{"Plan9":{"Shares":[{"Name":"a b","Path":"/s"}]}}}`, hresult.E_INVALIDARG, "Shares[0].Name"},
		{"allowed files", `{` + kernel + `,"Devices":{"Plan9":{"Shares":[{"Name":"a","Path":"/s","AllowedFiles":["x"]}]}}}`, hresult.ERROR_NOT_SUPPORTED, "AllowedFiles"},
		{"bad mac", `{` + kernel + `,"Devices":{"NetworkAdapters":{"n":{"MacAddress":"zz"}}}}`, hresult.E_INVALIDARG, "MacAddress"},
		{"vpmem", `{` + kernel + `,"Devices":{"VirtualPMem":{"Devices":{"0":{"HostPath":"/x"}}}}}`, hresult.ERROR_NOT_SUPPORTED, "$.VirtualMachine.Devices.VirtualPMem: "},
		{"template", `{` + kernel + `,"RestoreState":{"TemplateSystemId":"t"}}`, hresult.ERROR_NOT_SUPPORTED, "$.VirtualMachine.RestoreState.TemplateSystemId: "},
		{"cpu limit", `{` + kernel + `,"ComputeTopology":{"Processor":{"Count":1,"Limit":50}}}`, hresult.ERROR_NOT_SUPPORTED, "$.VirtualMachine.ComputeTopology.Processor: "},
		{"boot missing disk", `{"Chipset":{"Uefi":{"BootThis":{"DeviceType":"ScsiDrive","DevicePath":"x"}}}}`, hresult.E_INVALIDARG, "$.VirtualMachine.Chipset.Uefi.BootThis: "},
		{"boot from network", `{"Chipset":{"Uefi":{"BootThis":{"DeviceType":"Network"}}}}`, hresult.ERROR_NOT_SUPPORTED, "$.VirtualMachine.Chipset.Uefi.BootThis.DeviceType: "},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			var vm schema.VirtualMachine
			if err := json.Unmarshal([]byte(c.doc), &vm); err != nil {
				t.Fatal(err)
			}
			_, err := BuildCommand(Config{ID: "x", VM: &vm, Accel: AccelTCG, FirmwareCode: firmwareFor(c.code), FirmwareVars: "/v"})
			if !hresult.Is(err, c.code) || !strings.Contains(err.Error(), c.field) {
				t.Errorf("err = %v, want %v naming %q", err, c.code, c.field)
			}
		})
	}
}

// firmwareFor leaves the firmware out only for the case that tests its absence.
func firmwareFor(code hresult.HRESULT) string {
	if code == hresult.HCS_E_SERVICE_NOT_AVAILABLE {
		return ""
	}
	return "/code.fd"
}

func TestFormatOf(t *testing.T) {
	for path, want := range map[string]string{"/a.vhd": "vpc", "/a.VHDX": "vhdx", "/a.qcow2": "qcow2", "/a.img": "raw", "/a": "raw"} {
		if got := FormatOf(path); got != want {
			t.Errorf("FormatOf(%q) = %q, want %q", path, got, want)
		}
	}
}
