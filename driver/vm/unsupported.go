package vm

import (
	"github.com/linuxhcs/hcs/schema"
)

// checkUnsupported refuses fields that would change what the VM is or what it may do but
// that QEMU here cannot honour, so that a caller never believes such a setting took
// effect. Fields with no observable effect on a Linux guest (keyboard, mouse, video,
// battery, integration services, Windows crash-dump settings, chassis strings) are
// accepted and ignored.
func checkUnsupported(vm *schema.VirtualMachine) error {
	checks := []struct {
		set   bool
		field string
		what  string
	}{
		{vm.RegistryChanges != nil && (len(vm.RegistryChanges.AddValues) > 0 || len(vm.RegistryChanges.DeleteKeys) > 0),
			"$.VirtualMachine.RegistryChanges", "changing a Windows registry"},
		{vm.StorageQoS != nil && (vm.StorageQoS.IopsMaximum != 0 || vm.StorageQoS.BandwidthMaximum != 0),
			"$.VirtualMachine.StorageQoS", "storage QoS"},
		{vm.SecuritySettings != nil, "$.VirtualMachine.SecuritySettings", "isolated (confidential) VMs"},
		{vm.RestoreState != nil && vm.RestoreState.TemplateSystemId != "",
			"$.VirtualMachine.RestoreState.TemplateSystemId", "cloning from a template"},
		{vm.ComputeTopology != nil && vm.ComputeTopology.Numa != nil, "$.VirtualMachine.ComputeTopology.Numa", "NUMA topologies"},
		{processorLimits(vm), "$.VirtualMachine.ComputeTopology.Processor", "processor limits, weights and reservations"},
	}
	for _, c := range checks {
		if c.set {
			return notSupported(c.field, c.what)
		}
	}
	return checkUnsupportedDevices(vm.Devices)
}

// processorLimits reports whether the document sets processor resource controls.
func processorLimits(vm *schema.VirtualMachine) bool {
	t := vm.ComputeTopology
	if t == nil || t.Processor == nil {
		return false
	}
	p := t.Processor
	return p.Limit != 0 || p.Weight != 0 || p.Reservation != 0 || p.CpuGroup != nil
}

// checkUnsupportedDevices refuses devices QEMU here cannot provide.
func checkUnsupportedDevices(d *schema.Devices) error {
	if d == nil {
		return nil
	}
	checks := []struct {
		set   bool
		field string
		what  string
	}{
		{d.VirtualPMem != nil && len(d.VirtualPMem.Devices) > 0, "$.VirtualMachine.Devices.VirtualPMem", "virtual persistent memory"},
		{d.VirtualSmb != nil && len(d.VirtualSmb.Shares) > 0, "$.VirtualMachine.Devices.VirtualSmb", "SMB shares"},
		{len(d.FlexibleIov) > 0, "$.VirtualMachine.Devices.FlexibleIov", "flexible I/O devices"},
		{len(d.VirtualPci) > 0, "$.VirtualMachine.Devices.VirtualPci", "PCI device assignment"},
		{d.SharedMemory != nil, "$.VirtualMachine.Devices.SharedMemory", "shared memory regions"},
		{d.VirtioSerial != nil && len(d.VirtioSerial.Ports) > 0, "$.VirtualMachine.Devices.VirtioSerial", "named-pipe virtio-serial ports"},
	}
	for _, c := range checks {
		if c.set {
			return notSupported(c.field, c.what)
		}
	}
	return nil
}
