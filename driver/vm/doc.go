// Package vm is the VM driver: it runs an HCS VirtualMachine as a QEMU process (KVM when
// /dev/kvm opens, TCG otherwise), drives it over QMP and creates processes in the guest
// through hcs-agent, which runs as the guest's init and talks to the host over a
// virtio-serial port.
//
// # From an HCS document to a QEMU command line
//
// BuildCommand is pure: it reads no file and makes no system call; golden tests pin its
// output (testdata/*.golden.json). Every descriptor QEMU needs (the QMP and agent sockets,
// the console, COM port sockets, a saved state to restore) is created by the driver and
// inherited, so QEMU, which runs as an unprivileged uid of its own, opens nothing but the
// firmware and the shared folders named in the document. The kernel, initrd, UEFI variable
// store and SCSI disks of the document are opened by the driver (at Create, to fail early,
// and again at Start) with the rights the VM's uid has on the file itself, and QEMU opens
// them as /proc/self/fd/N: a missing file fails Create with ERROR_NOT_FOUND, a file the VM
// may not use with E_ACCESSDENIED (naming HcsGrantVmAccess), and a granted file in a private
// directory works, as on Windows, which does not check traversal.
//
//	document                                   QEMU
//	ComputeTopology.Memory.SizeInMB            -m <n>M (default 1024), -device virtio-balloon-pci
//	ComputeTopology.Processor.Count            -smp <n> (default 1)
//	Chipset.LinuxKernelDirect                  -kernel, -initrd (/proc/self/fd/N), -append
//	Chipset.Uefi                               OVMF code and variable store as pflash units 0 and 1
//	Chipset.Uefi.BootThis (ScsiDrive)          bootindex=1 on that SCSI disk
//	GuestState.GuestStateFilePath              the UEFI variable store (pflash unit 1)
//	RestoreState.SaveStateFilePath             -incoming fd:N (the file, past its header)
//	Devices.Scsi[<name>]                       -device virtio-scsi-pci,id=scsiI (I: sorted key order)
//	  .Attachments[<lun>] VirtualDisk          -blockdev file + format node (vpc/.vhd, vhdx, qcow2 without
//	                                           backing files, raw otherwise), -device scsi-hd,lun=<lun>
//	  .Attachments[<lun>] Iso                  the same, read-only, -device scsi-cd
//	  .ReadOnly                                read-only=true on both block nodes
//	Devices.ComPorts["0"|"1"].NamedPipe        a unix socket at that path (server), -device isa-serial,index=0|1
//	(no ComPorts["0"])                         COM1 goes to the driver's console log (CrashReport.CrashLog)
//	Devices.Plan9.Shares[i]                    -fsdev local,security_model=none[,readonly=on] (Flags&1),
//	                                           -device virtio-9p-pci,mount_tag=<Name or AccessName>
//	(always, for 9p shares added at run time)  4 slots: -device pcie-root-port, -fsdev local (read-only and
//	                                           writable) on links in the run directory's 9p/
//	Devices.NetworkAdapters[<name>]            -netdev user,restrict=on (no route out, no forwarded port),
//	                                           -device virtio-net-pci[,mac=<MacAddress>]
//	GuestConnection                            -device virtio-serial-pci + virtserialport name=hcs.agent
//	StopOnReset                                -action reboot=shutdown
//	(always)                                   -machine q35, -nodefaults, -no-user-config, -display none,
//	                                           QMP on an inherited socket, -device pvpanic,
//	                                           -action panic=none, -S, -sandbox on,... when built in
//
// Disk formats are decided by the file's extension and always given to QEMU explicitly; the
// content of a disk is never probed, so a guest that writes an image header into a raw disk
// cannot make QEMU open another file. Fields QEMU cannot honour (registry changes, storage
// QoS, processor limits, virtual PMem, SMB shares, PCI assignment, templates, ...) fail with
// ERROR_NOT_SUPPORTED naming the field; fields with no effect on a Linux guest (keyboard, mouse, video,
// battery, integration services) are ignored.
//
// UEFI boot is tested end to end, as a guest installed on a disk boots: TestUEFIBootsFromESP
// builds, without mounting, a raw disk image with a GPT and one FAT32 EFI system partition
// (sfdisk, mkfs.fat --offset, mtools) holding \EFI\BOOT\BOOTX64.EFI, a GRUB made by
// grub-mkstandalone whose embedded grub.cfg loads the test kernel and the agent's initrd from
// that partition. Two such images, granted to the VM, are LUNs 0 and 1 of one SCSI
// controller, with different kernel command lines; Uefi.BootThis names LUN 1, which OVMF
// would otherwise try second. Start returns when the agent connects, and the guest shows
// /sys/firmware/efi and the command line of LUN 1's grub.cfg (one boot, ~8-12 s under TCG).
// TestUEFIFirmwareRuns checks that OVMF runs without a boot disk or an agent.
//
// # One uid per VM
//
// Each VM's QEMU runs as its own uid and gid, VMUID(id): 0x20000001 plus the first four bytes
// of SHA-256("linuxhcs-vm-uid:" + id), read big-endian, modulo 0xFFFFFF; so uids fall in
// 0x20000001..0x20FFFFFF, far above the ranges Debian allocates to users and to subordinate
// id maps. No passwd entry is created. Supplementary groups are VMGroupID (0x20000000, the
// group of all VMs, used by GrantVmGroupAccess) and, with KVM, the group owning /dev/kvm.
// setgroups is called before setgid and setuid (os/exec does this for a Credential). QEMU
// can open only what its uid may: world-readable files, and files granted with
// GrantVmAccess (a POSIX ACL entry for the VM's uid).
//
// # Lifecycle
//
// Start is a list of named steps: launch QEMU (paused, -S), connect to QMP and to the
// console, wait for a saved state to load (RestoreState), connect to the agent's port, cont,
// and, with a GuestConnection, wait for the agent's session. Pause and Resume are QMP stop
// and cont (the guest's clock stops too). Save needs a paused VM (HCS_E_INVALID_STATE
// otherwise): it writes a SavedHeader (the accelerator and the CPU features the guest saw)
// and then QEMU's migration stream to the file through a descriptor passed over QMP
// (getfd), so the sandboxed QEMU needs neither exec nor the file's path; the VM then stops
// (attributed to a WorkerExit of type Saved) and a new system whose
// RestoreState names the file continues it (-incoming fd:N). Shutdown asks the agent
// (which stops every process and powers the guest off) or presses the ACPI power button, as
// ShutdownOptions.Mechanism chooses (Force is a Terminate), and returns once QEMU exited or
// the caller's deadline passed. Options QEMU cannot honour (Hibernate, Reboot, the Memory
// pause levels, templates) are refused before the guest is touched; docs/refused.md lists
// them. Terminate is QMP quit, then
// SIGKILL. Crash injects an NMI; the agent, as the guest's init, set
// kernel.unknown_nmi_panic, so the guest kernel panics, the pvpanic device reports
// GUEST_PANICKED (QEMU's panic action is none, so the guest still flushes its console), and
// the driver reports the crash as initiated and then completed with the end of the console
// in CrashLog before it stops QEMU. Exited reports what the driver saw: a crash
// (ExitCrashed), a guest that powered off or reset by itself (ExitPoweredOff), or QEMU
// ending (ExitStopped); the host turns that and the stop it asked for into the exit type.
// Processes are spawned through an agentsession.Session. With a GuestConnection, Start
// waits at most Options.HandshakeTimeout for the agent and then fails with
// HCS_E_CONNECTION_TIMEOUT (the host tears the VM down).
//
// # Changing a running VM
//
// Modify hot-adds and removes SCSI disks (blockdev-add, device_add); the driver opens a
// hot-added disk as it opens the boot files and passes it in a QMP fd set (add-fd,
// /dev/fdset/N). It changes the memory
// through the balloon (QMP balloon): down from the boot size and back up to it, not beyond,
// returning once the guest reached the size. It adds up to Plan9HotplugSlots 9p shares: QEMU
// cannot create a 9p backend at run time, so every VM boots with empty PCIe root ports and
// backends whose paths are links in its run directory; an Add points a link at the shared
// directory and plugs a virtio-9p device with the share's mount tag, which the guest sees as
// it sees a share given at creation. A Remove asks the agent to unmount the tag in the guest
// (a mounted virtio-9p device is never released), then unplugs the device. Shares given at
// creation stay until the VM stops.
//
// A GuestRequest (GuestModifySettingRequest) goes to the agent as a GuestModify message:
// MappedDirectory mounts a 9p tag, MappedVirtualDisk an ext4 SCSI disk, CombinedLayers an
// overlay of layers and a scratch (see package agent, "Guest requests"). With a host part,
// an Add changes the host first and undoes that (a Remove of the same resource) when the
// guest fails; a Remove goes to the guest first, so the guest lets go of what the host
// then unplugs. For a disk attached by the same request the driver tells the guest the
// controller it used (its place in ScsiControllerIDs) in place of the caller's Controller;
// a MappedVirtualDisk alone keeps Controller, read as that place. Unknown resource types and
// request types other than Add and Remove are refused before anything changes
// (ERROR_NOT_SUPPORTED); so is any guest request to a VM without a GuestConnection, which
// has no agent to take it, while a VM whose agent is not connected at the moment gives
// HCS_E_CONNECTION_CLOSED. Before Start a guest request is HCS_E_INVALID_STATE.
//
// With KVM the guest CPU is "host" without arch-capabilities (nested KVM cannot set that
// MSR); under TCG it is qemu64. DetectAccel uses KVM only when /dev/kvm opens and the CPU
// flags show vmx or svm: this project's machines have a /dev/kvm on which Linux guests hang.
//
// # The guest agent's transport
//
// hcs-agent is the guest's /init (see package initrd for the initramfs). It serves the
// protocol of package agent/protocol on the virtio-serial port "hcs.agent", which QEMU
// connects to a unix socket in the run directory. A virtio-serial port cannot carry
// descriptors, so each process's stdio is relayed over the same connection (protocol.Relay:
// Data, Window, CloseStream and ResizeStream messages with credit-based flow control, so a
// slow reader of one stream never stalls the others). Every session on the port starts with
// protocol.SyncPreamble in both directions, so a session that ended mid-frame (the service
// restarted, the guest was restored) cannot corrupt the next. The agent keeps the port open
// for its life and starts a new session whenever the host connects again; Recover relies on
// that, in the background and, for a VM it found paused, once the VM is resumed. GuestConnection.UseVsock is accepted, but the transport is virtio-serial: vsock
// needs /dev/vhost-vsock, which the machines this is built on do not have.
//
// # VM utility functions
//
// GrantVmAccess, RevokeVmAccess, GrantVmGroupAccess, RevokeVmGroupAccess,
// CreateEmptyGuestStateFile, CreateEmptyRuntimeStateFile and
// GetProcessorCompatibilityFromSavedState implement the HCS functions of the same names.
package vm
