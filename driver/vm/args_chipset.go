package vm

import (
	"strconv"
	"strings"

	"github.com/linuxhcs/hcs/hresult"
	"github.com/linuxhcs/hcs/schema"
)

// chipset adds the firmware: a kernel booted directly, or UEFI (OVMF) with its variable
// store in pflash.
func (b *builder) chipset() error {
	c := b.cfg.VM.Chipset
	switch {
	case c != nil && c.LinuxKernelDirect != nil:
		return b.kernelDirect(c.LinuxKernelDirect)
	case c != nil && c.Uefi != nil:
		return b.uefi(c.Uefi)
	}
	return hresult.New(hresult.E_INVALIDARG, "$.VirtualMachine.Chipset: one of Uefi, LinuxKernelDirect is required")
}

// kernelDirect boots a kernel and initrd without firmware.
func (b *builder) kernelDirect(k *schema.LinuxKernelDirect) error {
	const field = "$.VirtualMachine.Chipset.LinuxKernelDirect"
	if k.KernelFilePath == "" {
		return hresult.New(hresult.E_INVALIDARG, field+".KernelFilePath: required")
	}
	kernel, err := b.bootFile(field+".KernelFilePath", k.KernelFilePath, false)
	if err != nil {
		return err
	}
	b.add("-kernel", kernel)
	if k.InitRdPath != "" {
		initrd, err := b.bootFile(field+".InitRdPath", k.InitRdPath, false)
		if err != nil {
			return err
		}
		b.add("-initrd", initrd)
	}
	cmdline := k.KernelCmdLine
	if b.cfg.Agent && b.cfg.Vsock {
		cmdline = strings.TrimSpace(cmdline + " HCS_AGENT_TRANSPORT=vsock:" + strconv.Itoa(AgentVsockPort))
	}
	if cmdline != "" {
		b.add("-append", cmdline)
	}
	return nil
}

// uefi boots OVMF; BootThis may name the SCSI disk to boot from.
func (b *builder) uefi(u *schema.Uefi) error {
	if b.cfg.Vsock {
		return hresult.New(hresult.E_INVALIDARG, "the agent can use vsock only with Chipset.LinuxKernelDirect")
	}
	if b.cfg.FirmwareCode == "" {
		return hresult.New(hresult.HCS_E_SERVICE_NOT_AVAILABLE, "$.VirtualMachine.Chipset.Uefi: no UEFI firmware (OVMF) is installed")
	}
	if u.SecureBootTemplateId != "" || u.ApplySecureBootTemplate == schema.ApplySecureBootTemplateTypeApply {
		return notSupported("$.VirtualMachine.Chipset.Uefi.SecureBootTemplateId", "secure boot templates")
	}
	vars := b.cfg.FirmwareVars
	if gs := b.cfg.VM.GuestState; gs != nil && gs.GuestStateFilePath != "" {
		var err error
		if vars, err = b.bootFile("$.VirtualMachine.GuestState.GuestStateFilePath", gs.GuestStateFilePath, true); err != nil {
			return err
		}
	}
	if vars == "" {
		return hresult.New(hresult.E_INVALIDARG, "$.VirtualMachine.GuestState.GuestStateFilePath: a UEFI variable store is required")
	}
	b.add("-drive", "if=pflash,format=raw,unit=0,readonly=on,file="+qemuString(b.cfg.FirmwareCode))
	b.add("-drive", "if=pflash,format=raw,unit=1,file="+qemuString(vars))
	if u.BootThis == nil {
		return nil
	}
	if u.BootThis.DeviceType != schema.UefiBootDeviceScsiDrive {
		return notSupported("$.VirtualMachine.Chipset.Uefi.BootThis.DeviceType", "boot device "+string(u.BootThis.DeviceType))
	}
	if u.BootThis.OptionalData != "" {
		// OVMF is told which disk to boot (bootindex), not given a boot option whose data a
		// loader could read: the boot loader on the disk brings its own command line.
		return notSupported("$.VirtualMachine.Chipset.Uefi.BootThis.OptionalData", "data for the boot loader")
	}
	b.boot = bootTarget{controller: u.BootThis.DevicePath, lun: strconv.Itoa(int(u.BootThis.DiskNumber))}
	return b.checkBootTarget()
}

// checkBootTarget checks that BootThis names an attachment of the document.
func (b *builder) checkBootTarget() error {
	d := b.cfg.VM.Devices
	if d != nil {
		if c, ok := d.Scsi[b.boot.controller]; ok {
			if _, ok := c.Attachments[b.boot.lun]; ok {
				return nil
			}
		}
	}
	return hresult.Errorf(hresult.E_INVALIDARG, "$.VirtualMachine.Chipset.Uefi.BootThis: no SCSI attachment %s/%s in $.VirtualMachine.Devices.Scsi",
		b.boot.controller, b.boot.lun)
}

// notSupported is the ERROR_NOT_SUPPORTED error for a field QEMU cannot honour; hcsshim's
// IsNotSupported recognises the code.
func notSupported(field, what string) error {
	return hresult.Errorf(hresult.ERROR_NOT_SUPPORTED, "%s: %s is not supported by the VM driver", field, what)
}
