package schema

import (
	"fmt"
	"maps"
	"slices"
	"strconv"
)

// maxComPort is the highest COM port index (spec §3.2: "0" and "1").
const maxComPort = 1

// rules applies the VirtualMachine rules at p.
func (vm *VirtualMachine) rules(p path) *Error {
	if e := vm.Chipset.rules(p.field("Chipset")); e != nil {
		return e
	}
	if e := vm.ComputeTopology.rules(p.field("ComputeTopology")); e != nil {
		return e
	}
	return vm.Devices.rules(p.field("Devices"))
}

// rules applies the Chipset rules at p: at most one of Uefi and LinuxKernelDirect, and a
// kernel file for LinuxKernelDirect.
func (c *Chipset) rules(p path) *Error {
	switch {
	case c == nil:
		return nil
	case c.Uefi != nil && c.LinuxKernelDirect != nil:
		return p.err("at most one of Uefi, LinuxKernelDirect may be set")
	case c.LinuxKernelDirect != nil && c.LinuxKernelDirect.KernelFilePath == "":
		return p.field("LinuxKernelDirect").field("KernelFilePath").required()
	}
	return nil
}

// rules applies the Topology rules at p: a memory size and a processor count when
// Memory and Processor are given.
func (t *Topology) rules(p path) *Error {
	switch {
	case t == nil:
		return nil
	case t.Memory != nil && t.Memory.SizeInMB == 0:
		return p.field("Memory").field("SizeInMB").err("must be greater than 0")
	case t.Processor != nil && t.Processor.Count == 0:
		return p.field("Processor").field("Count").err("must be greater than 0")
	}
	return nil
}

// rules applies the Devices rules at p: COM port indexes 0 and 1 only.
func (d *Devices) rules(p path) *Error {
	if d == nil {
		return nil
	}
	for _, k := range slices.Sorted(maps.Keys(d.ComPorts)) {
		if n, err := strconv.ParseUint(k, 10, 32); err == nil && n > maxComPort {
			return p.field("ComPorts").key(k).err(fmt.Sprintf("COM port index must be 0..%d", maxComPort))
		}
	}
	return nil
}
