package vm

import (
	"context"
	"crypto/rand"
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

// TestUEFIBootsFromESP boots a UEFI VM from a real EFI system partition: GPT disk images
// whose FAT32 partition holds \EFI\BOOT\BOOTX64.EFI (a standalone GRUB), the kernel and
// the initrd with the guest agent. SCSI controller "esp" has two such disks: LUN 0, which
// the firmware would try first, and LUN 1, named by Uefi.BootThis; their grub.cfg files
// give the kernel different command lines. Start returns once the agent connected; the
// guest then sees EFI firmware (/sys/firmware/efi) and the command line of LUN 1's
// grub.cfg, marked with a token unique to this run.
func TestUEFIBootsFromESP(t *testing.T) {
	requireVM(t)
	d := newTestDriver(t)
	if d.fw.Code == "" {
		testutil.SkipOrFail(t, "OVMF is not installed (scripts/setup.sh installs ovmf)")
	}
	token := strings.ToLower(rand.Text()[:10])
	cmdline := "console=ttyS0 quiet hcs.esp=" + token
	decoy := makeESP(t, "HCS-LUN0", env.kernel, env.initrd, "console=ttyS0 quiet hcs.esp=lun0")
	img := makeESP(t, "HCS-LUN1", env.kernel, env.initrd, cmdline)
	id := "vmtest-esp-" + token[:8]
	for _, p := range []string{decoy, img} {
		if err := GrantVmAccess(id, p); err != nil {
			t.Fatal(err)
		}
	}
	doc := &schema.ComputeSystem{VirtualMachine: &schema.VirtualMachine{
		Chipset: &schema.Chipset{Uefi: &schema.Uefi{
			BootThis: &schema.UefiBootEntry{DeviceType: schema.UefiBootDeviceScsiDrive, DevicePath: "esp", DiskNumber: 1},
		}},
		ComputeTopology: &schema.Topology{Memory: &schema.VirtualMachineMemory{SizeInMB: 256}, Processor: &schema.VirtualMachineProcessor{Count: 1}},
		Devices: &schema.Devices{Scsi: map[string]schema.Scsi{"esp": {Attachments: map[string]schema.Attachment{
			"0": {Type: schema.AttachmentTypeVirtualDisk, Path: decoy},
			"1": {Type: schema.AttachmentTypeVirtualDisk, Path: img},
		}}}},
		GuestConnection: &schema.GuestConnection{},
	}}
	v := createNamedVM(t, d, doc, id)
	took := v.start()
	t.Logf("Start (OVMF, GRUB, kernel, agent) took %v", took)
	out, code := v.sh("test -d /sys/firmware/efi && echo efi; cat /proc/cmdline")
	if code != 0 {
		t.Fatalf("guest script exited %d: %q\nconsole: %s", code, out, v.sys.console.String())
	}
	lines := strings.SplitN(out, "\n", 2)
	if lines[0] != "efi" {
		t.Errorf("no /sys/firmware/efi in the guest: %q", out)
	}
	// GRUB puts BOOT_IMAGE=<kernel path> before the command line it was given.
	if want := "BOOT_IMAGE=/vmlinuz " + cmdline + "\n"; len(lines) < 2 || lines[1] != want {
		t.Errorf("guest /proc/cmdline = %q, want %q (from the grub.cfg of the disk BootThis names)", lines[len(lines)-1], want)
	}
}
