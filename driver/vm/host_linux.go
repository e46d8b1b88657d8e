package vm

import (
	"os"
	"os/exec"
	"strings"

	"golang.org/x/sys/unix"

	"github.com/linuxhcs/hcs/hresult"
)

// Firmware is the UEFI firmware of Debian's ovmf package.
type Firmware struct {
	// Code is the read-only firmware image.
	Code string
	// VarsTemplate is the empty variable store that each VM gets a copy of.
	VarsTemplate string
}

// firmwareCandidates are the OVMF builds tried in order (code, variable store template).
var firmwareCandidates = [][2]string{
	{"/usr/share/OVMF/OVMF_CODE_4M.fd", "/usr/share/OVMF/OVMF_VARS_4M.fd"},
	{"/usr/share/OVMF/OVMF_CODE.fd", "/usr/share/OVMF/OVMF_VARS.fd"},
}

// FindFirmware returns the installed OVMF firmware.
func FindFirmware() (Firmware, error) {
	for _, c := range firmwareCandidates {
		if fileExists(c[0]) && fileExists(c[1]) {
			return Firmware{Code: c[0], VarsTemplate: c[1]}, nil
		}
	}
	return Firmware{}, hresult.New(hresult.HCS_E_SERVICE_NOT_AVAILABLE, "no UEFI firmware: install Debian's ovmf package")
}

func fileExists(p string) bool {
	_, err := os.Stat(p)
	return err == nil
}

// DetectAccel returns AccelKVM when /dev/kvm opens for reading and writing and the CPU
// advertises hardware virtualisation (vmx or svm in /proc/cpuinfo), else AccelTCG. The
// second condition matters on this project's machines: they expose a /dev/kvm that opens,
// but without vmx a Linux guest hangs in its decompressor. The environment variable
// HCS_VM_ACCEL=tcg (or kvm) overrides the detection, so tests can force TCG.
func DetectAccel() string {
	switch os.Getenv("HCS_VM_ACCEL") {
	case AccelTCG:
		return AccelTCG
	case AccelKVM:
		return AccelKVM
	}
	fd, err := unix.Open("/dev/kvm", unix.O_RDWR|unix.O_CLOEXEC, 0)
	if err != nil {
		return AccelTCG
	}
	unix.Close(fd)
	if !hasVirtFlag() {
		return AccelTCG
	}
	return AccelKVM
}

// hasVirtFlag reports whether /proc/cpuinfo lists vmx or svm.
func hasVirtFlag() bool {
	b, err := os.ReadFile("/proc/cpuinfo")
	if err != nil {
		return false
	}
	for _, line := range strings.Split(string(b), "\n") {
		if k, v, ok := strings.Cut(line, ":"); ok && strings.TrimSpace(k) == "flags" {
			f := " " + v + " "
			return strings.Contains(f, " vmx ") || strings.Contains(f, " svm ")
		}
	}
	return false
}

// deviceGroup returns the group owning a device node, or -1.
func deviceGroup(path string) int {
	var st unix.Stat_t
	if err := unix.Stat(path, &st); err != nil {
		return -1
	}
	return int(st.Gid)
}

// findQEMU locates qemu-system-x86_64.
func findQEMU(path string) (string, error) {
	if path != "" {
		return path, nil
	}
	p, err := exec.LookPath("qemu-system-x86_64")
	if err != nil {
		return "", hresult.New(hresult.HCS_E_SERVICE_NOT_AVAILABLE, "qemu-system-x86_64 not found: install Debian's qemu-system-x86")
	}
	return p, nil
}

// hasSandbox reports whether QEMU was built with its seccomp sandbox (its help then lists
// -sandbox).
func hasSandbox(qemu string) bool {
	out, err := exec.Command(qemu, "-help").Output()
	return err == nil && strings.Contains(string(out), "\n-sandbox ")
}
