package container

import (
	"fmt"

	specs "github.com/opencontainers/runtime-spec/specs-go"
)

// capabilityNames are the capabilities a container's root keeps: the 14 that Docker grants
// by default. They let root inside manage its own files, users and sockets, while the ones that
// reach the kernel or other containers (SYS_ADMIN, SYS_MODULE, SYS_PTRACE, NET_ADMIN,
// SYS_TIME, ...) are dropped.
var capabilityNames = []string{
	"CAP_CHOWN",
	"CAP_DAC_OVERRIDE",
	"CAP_FSETID",
	"CAP_FOWNER",
	"CAP_MKNOD",
	"CAP_NET_RAW",
	"CAP_SETGID",
	"CAP_SETUID",
	"CAP_SETFCAP",
	"CAP_SETPCAP",
	"CAP_NET_BIND_SERVICE",
	"CAP_SYS_CHROOT",
	"CAP_KILL",
	"CAP_AUDIT_WRITE",
}

// defaultCapabilities puts capabilityNames in the bounding, effective and permitted sets
// and leaves the inheritable and ambient sets empty, so a program executed by a non-root user
// gains none of them (the CVE-2022-27650 lesson).
func defaultCapabilities() *specs.LinuxCapabilities {
	caps := func() []string { return append([]string(nil), capabilityNames...) }
	return &specs.LinuxCapabilities{
		Bounding:  caps(),
		Effective: caps(),
		Permitted: caps(),
	}
}

// maskedPaths are /proc and /sys files that leak host information or reach host hardware; the
// runtime hides them (an empty read-only file or directory is mounted over each). The
// per-CPU thermal_throttle counters are masked for every host CPU, as moby does, since they
// reveal what other tenants run.
func maskedPaths(hostCPUs int) []string {
	paths := []string{
		"/proc/acpi",
		"/proc/asound",
		"/proc/interrupts",
		"/proc/kcore",
		"/proc/keys",
		"/proc/latency_stats",
		"/proc/timer_list",
		"/proc/timer_stats",
		"/proc/sched_debug",
		"/proc/scsi",
		"/sys/firmware",
		"/sys/devices/virtual/powercap",
	}
	for i := 0; i < hostCPUs; i++ {
		paths = append(paths, fmt.Sprintf("/sys/devices/system/cpu/cpu%d/thermal_throttle", i))
	}
	return paths
}

// readonlyPaths are /proc entries the container may read but must not write: kernel tunables,
// IRQ affinity and the sysrq trigger are host-wide.
func readonlyPaths() []string {
	return []string{
		"/proc/bus",
		"/proc/fs",
		"/proc/irq",
		"/proc/sys",
		"/proc/sysrq-trigger",
	}
}
