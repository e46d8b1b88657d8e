package vm

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/linuxhcs/hcs/internal/testutil"
	"github.com/linuxhcs/hcs/schema"
)

// TestUEFIFirmwareRuns starts a UEFI VM without a guest agent: Start returns once the
// chipset runs, OVMF (reading its code and the VM's private variable store as the VM's
// uid) writes to COM1, and Statistics report QEMU's CPU time.
func TestUEFIFirmwareRuns(t *testing.T) {
	requireVM(t)
	d := newTestDriver(t)
	if d.fw.Code == "" {
		testutil.SkipOrFail(t, "OVMF is not installed (scripts/setup.sh installs ovmf)")
	}
	doc := &schema.ComputeSystem{VirtualMachine: &schema.VirtualMachine{
		Chipset:         &schema.Chipset{Uefi: &schema.Uefi{}},
		ComputeTopology: &schema.Topology{Memory: &schema.VirtualMachineMemory{SizeInMB: 256}},
	}}
	v := createVM(t, d, doc)
	v.start()
	deadline := time.Now().Add(timeout)
	for !strings.Contains(v.sys.console.String(), "BdsDxe") && time.Now().Before(deadline) {
		time.Sleep(100 * time.Millisecond)
	}
	if !strings.Contains(v.sys.console.String(), "BdsDxe") {
		t.Fatalf("no firmware output on COM1: %q", v.sys.console.String())
	}
	var props schema.Properties
	v.must("Properties", func(ctx context.Context) error {
		return v.sys.Properties(ctx, []schema.SystemPropertyType{schema.SystemPropertyTypeStatistics}, &props)
	})
	if props.Statistics == nil || props.Statistics.Processor == nil || props.Statistics.Processor.TotalRuntime100ns == 0 {
		t.Errorf("Statistics %+v: want QEMU's CPU time", props.Statistics)
	}
	if _, err := v.sys.CreateProcess(context.Background(), v.request(&schema.ProcessParameters{CommandLine: "true"}, driverStdioNone)); err == nil {
		t.Error("a process was created in a VM without a GuestConnection")
	}
}
