package vm

import (
	"fmt"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/linuxhcs/hcs/hresult"
	"github.com/linuxhcs/hcs/schema"
)

// Accelerators QEMU can run a guest with.
const (
	AccelKVM = "kvm"
	AccelTCG = "tcg"
)

// Defaults for a document that leaves the size of the VM open.
const (
	DefaultMemoryMB   = 1024
	DefaultProcessors = 1
)

// Roles of the descriptors QEMU inherits (see InheritedFile).
const (
	RoleQMP      = "qmp"      // listening socket of the QMP monitor
	RoleAgent    = "agent"    // listening socket of the agent's virtio-serial port
	RoleConsole  = "console"  // listening socket of COM1 when the document gives it none
	RoleComPort  = "comport"  // listening socket at a ComPort's NamedPipe path
	RoleIncoming = "incoming" // saved state to restore, positioned at the migration stream
	RoleVsock    = "vsock"    // an open /dev/vhost-vsock
	RoleBootFile = "bootfile" // a file the document names, opened with the VM's rights (see openBootFile)
)

// BalloonID is the QEMU id of the virtio-balloon device every VM has.
const BalloonID = "balloon0"

// AgentPortName is the name of the virtio-serial port the guest agent serves on.
const AgentPortName = "hcs.agent"

// AgentVsockPort is the vsock port the guest agent listens on when Config.Vsock is set.
const AgentVsockPort = 1024

// firstInheritedFD is the number of the first descriptor QEMU inherits (after stdio).
const firstInheritedFD = 3

// Config is everything BuildCommand needs: the document and the decisions the driver made
// about the host. It holds no open file; BuildCommand reads nothing.
type Config struct {
	// ID is the compute-system id.
	ID string
	// VM is the VirtualMachine document.
	VM *schema.VirtualMachine
	// Accel is AccelKVM or AccelTCG.
	Accel string
	// FirmwareCode is the read-only UEFI image (OVMF_CODE) used with Chipset.Uefi.
	FirmwareCode string
	// FirmwareVars is the UEFI variable store to use when GuestState names none (a private
	// copy of the OVMF_VARS template made by the driver).
	FirmwareVars string
	// Sandbox enables QEMU's seccomp sandbox.
	Sandbox bool
	// Agent adds the virtio-serial port the guest agent serves on.
	Agent bool
	// Vsock makes the agent serve on vsock instead (CID VMUID(ID), port AgentVsockPort):
	// QEMU gets a vhost-vsock device on an inherited /dev/vhost-vsock, and the kernel
	// command line tells the agent (HCS_AGENT_TRANSPORT, which the kernel passes to init as
	// an environment variable). It needs LinuxKernelDirect.
	Vsock bool
	// Plan9HotplugDir, when set, prepares Plan9HotplugSlots shares to be added while the
	// VM runs (see Plan9HotplugArgs); the driver makes their links in this directory.
	Plan9HotplugDir string `json:",omitempty"`
}

// InheritedFile is one descriptor QEMU inherits. Files are numbered from 3 in the order of
// Command.Files; the driver creates them in that order.
type InheritedFile struct {
	// Role says what the descriptor is (RoleQMP, ...).
	Role string
	// Key is the ComPort key for RoleComPort.
	Key string
	// Path is the socket path to listen on (RoleComPort: the ComPort's NamedPipe), or the
	// saved state file (RoleIncoming) or document's file (RoleBootFile) to open.
	Path string
	// Field is the document path that names a RoleBootFile, for errors.
	Field string `json:",omitempty"`
	// Write says QEMU writes to the RoleBootFile (a disk or UEFI variable store that is
	// not read-only).
	Write bool `json:",omitempty"`
}

// Command is a QEMU invocation: its arguments (without the program) and the descriptors
// it inherits.
type Command struct {
	Args  []string
	Files []InheritedFile
}

// builder accumulates a Command.
type builder struct {
	cfg  *Config
	cmd  Command
	boot bootTarget // the SCSI disk UEFI boots from, if any
}

// bootTarget names a SCSI attachment by controller key and LUN.
type bootTarget struct {
	controller string
	lun        string
}

// BuildCommand translates a VirtualMachine document into a QEMU command line. It is pure:
// the same Config always gives the same Command. Fields with no meaning on QEMU fail with
// ERROR_NOT_SUPPORTED naming the field; see the package documentation for the mapping.
func BuildCommand(cfg Config) (*Command, error) {
	if cfg.VM == nil {
		return nil, hresult.New(hresult.E_INVALIDARG, "VirtualMachine: required by the VM driver")
	}
	if cfg.Accel != AccelKVM && cfg.Accel != AccelTCG {
		return nil, hresult.Errorf(hresult.E_INVALIDARG, "accelerator %q: want kvm or tcg", cfg.Accel)
	}
	if err := checkUnsupported(cfg.VM); err != nil {
		return nil, err
	}
	b := &builder{cfg: &cfg}
	steps := []func() error{b.base, b.topology, b.chipset, b.monitor, b.comPorts, b.scsi, b.plan9, b.plan9Hotplug, b.network, b.agent, b.incoming}
	for _, step := range steps {
		if err := step(); err != nil {
			return nil, err
		}
	}
	return &b.cmd, nil
}

// bootFile registers a file the document names and returns the path QEMU opens it by: its
// inherited descriptor, /proc/self/fd/N. The driver opens the file with the VM's own rights
// on the file but none needed on the directories above it, as Windows (which does not check
// traversal) lets a VM worker open a granted file in a private directory.
func (b *builder) bootFile(field, path string, write bool) (string, error) {
	if path == "" || !filepath.IsAbs(path) {
		return "", hresult.Errorf(hresult.E_INVALIDARG, "%s: an absolute path is required", field)
	}
	fd := b.inherit(InheritedFile{Role: RoleBootFile, Path: path, Field: field, Write: write})
	return "/proc/self/fd/" + strconv.Itoa(fd), nil
}

// add appends arguments.
func (b *builder) add(args ...string) { b.cmd.Args = append(b.cmd.Args, args...) }

// inherit registers a descriptor and returns its number in QEMU.
func (b *builder) inherit(f InheritedFile) int {
	b.cmd.Files = append(b.cmd.Files, f)
	return firstInheritedFD + len(b.cmd.Files) - 1
}

// base adds the machine, the accelerator, the sandbox and what every VM has.
func (b *builder) base() error {
	b.add("-name", "guest="+qemuString(b.cfg.ID)+",debug-threads=on")
	b.add("-nodefaults", "-no-user-config", "-display", "none")
	b.add("-machine", "q35")
	b.add("-accel", b.cfg.Accel)
	if b.cfg.Accel == AccelKVM {
		b.add("-cpu", "host,-arch-capabilities") // nested KVM (as on this project's machines) cannot set IA32_ARCH_CAPABILITIES
	} else {
		b.add("-cpu", "qemu64")
	}
	if b.cfg.Sandbox {
		b.add("-sandbox", "on,obsolete=deny,elevateprivileges=deny,spawn=deny,resourcecontrol=deny")
	}
	reboot := "reset"
	if b.cfg.VM.StopOnReset {
		reboot = "shutdown"
	}
	b.add("-action", "reboot="+reboot+",shutdown=poweroff,panic=none")
	b.add("-device", "pvpanic")
	b.add("-S") // started with cont once QMP is connected
	return nil
}

// topology adds memory and processors.
func (b *builder) topology() error {
	mem, cpus := uint64(DefaultMemoryMB), uint32(DefaultProcessors)
	if t := b.cfg.VM.ComputeTopology; t != nil {
		if t.Memory != nil && t.Memory.SizeInMB > 0 {
			mem = t.Memory.SizeInMB
		}
		if t.Processor != nil && t.Processor.Count > 0 {
			cpus = t.Processor.Count
		}
	}
	if mem > 1<<24 {
		return hresult.Errorf(hresult.E_INVALIDARG, "$.VirtualMachine.ComputeTopology.Memory.SizeInMB: %d is too large", mem)
	}
	if cpus > 255 {
		return hresult.Errorf(hresult.E_INVALIDARG, "$.VirtualMachine.ComputeTopology.Processor.Count: %d is more than 255", cpus)
	}
	b.add("-m", strconv.FormatUint(mem, 10)+"M")
	b.add("-smp", strconv.FormatUint(uint64(cpus), 10))
	// The balloon lets Modify give memory back to the host while the VM runs (see
	// modifyMemory); deflate-on-oom stays off so the guest's MemTotal shows the size set.
	b.add("-device", "virtio-balloon-pci,id="+BalloonID)
	return nil
}

// monitor adds the QMP monitor on an inherited listening socket.
func (b *builder) monitor() error {
	fd := b.inherit(InheritedFile{Role: RoleQMP})
	b.add("-chardev", fmt.Sprintf("socket,id=qmp,fd=%d,server=on,wait=off", fd))
	b.add("-mon", "chardev=qmp,mode=control")
	return nil
}

// agent adds the virtio-serial port of the guest agent.
func (b *builder) agent() error {
	if !b.cfg.Agent {
		return nil
	}
	if b.cfg.Vsock {
		fd := b.inherit(InheritedFile{Role: RoleVsock})
		b.add("-device", fmt.Sprintf("vhost-vsock-pci,guest-cid=%d,vhostfd=%d", VMUID(b.cfg.ID), fd))
		return nil
	}
	fd := b.inherit(InheritedFile{Role: RoleAgent})
	b.add("-device", "virtio-serial-pci,id=vser0")
	b.add("-chardev", fmt.Sprintf("socket,id=agent,fd=%d,server=on,wait=off", fd))
	b.add("-device", "virtserialport,bus=vser0.0,chardev=agent,name="+AgentPortName)
	return nil
}

// incoming restores RestoreState.SaveStateFilePath, which the driver opens and passes
// positioned at the migration stream.
func (b *builder) incoming() error {
	rs := b.cfg.VM.RestoreState
	if rs == nil || rs.SaveStateFilePath == "" {
		return nil
	}
	if !filepath.IsAbs(rs.SaveStateFilePath) {
		return hresult.New(hresult.E_INVALIDARG, "$.VirtualMachine.RestoreState.SaveStateFilePath: an absolute path is required")
	}
	fd := b.inherit(InheritedFile{Role: RoleIncoming, Path: rs.SaveStateFilePath})
	b.add("-incoming", fmt.Sprintf("fd:%d", fd))
	return nil
}

// qemuString escapes a value for QEMU's comma-separated option syntax (a comma is doubled).
func qemuString(s string) string { return strings.ReplaceAll(s, ",", ",,") }
