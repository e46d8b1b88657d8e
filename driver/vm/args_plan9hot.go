package vm

import (
	"fmt"
	"path/filepath"
	"strconv"
)

// Plan9HotplugSlots is how many 9p shares can be added to a running VM at one time.
const Plan9HotplugSlots = 4

// QEMU cannot create a 9p file-system backend (-fsdev) at run time, but it can plug a
// virtio-9p device into a PCIe root port and point it at a backend that exists from boot.
// So every VM gets, per slot, an empty root port and two backends, a read-only one and a
// writable one, whose paths are links in Plan9HotplugDir: "<slot>r" and "<slot>w". Adding
// a share points the link at the host directory and plugs a virtio-9p device whose mount
// tag is the share's name; QEMU opens the backend's path when the device is plugged. The
// guest sees exactly what a share given at creation gives it: a virtio-9p device with that
// mount tag.

// plan9Hotplug adds the root ports and backends of the slots.
func (b *builder) plan9Hotplug() error {
	if b.cfg.Plan9HotplugDir == "" {
		return nil
	}
	b.add(Plan9HotplugArgs(b.cfg.Plan9HotplugDir)...)
	return nil
}

// Plan9HotplugArgs returns the arguments of the hot-plug slots whose links are in dir.
func Plan9HotplugArgs(dir string) []string {
	var args []string
	for i := range Plan9HotplugSlots {
		args = append(args, "-device", fmt.Sprintf("pcie-root-port,id=%s,bus=pcie.0,chassis=%d", plan9Port(i), i+1))
		for _, ro := range []bool{true, false} {
			fsdev := "local,id=" + plan9Backend(i, ro) + ",path=" + qemuString(Plan9SlotLink(dir, i, ro)) + ",security_model=none"
			if ro {
				fsdev += ",readonly=on"
			}
			args = append(args, "-fsdev", fsdev)
		}
	}
	return args
}

// Plan9SlotLink is the path of a slot's read-only or writable backend.
func Plan9SlotLink(dir string, slot int, readOnly bool) string {
	return filepath.Join(dir, strconv.Itoa(slot)+rw(readOnly))
}

func plan9Port(slot int) string   { return "p9port" + strconv.Itoa(slot) }
func plan9Device(slot int) string { return "p9hot" + strconv.Itoa(slot) }
func plan9Backend(slot int, readOnly bool) string {
	return "p9hot" + strconv.Itoa(slot) + rw(readOnly)
}

func rw(readOnly bool) string {
	if readOnly {
		return "r"
	}
	return "w"
}
