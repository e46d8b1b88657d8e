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
// kernel, initrd, firmware, disks and shared folders named in the document.
//
//	document                                   QEMU
//	ComputeTopology.Memory.SizeInMB            -m <n>M (default 1024)
//	ComputeTopology.Processor.Count            -smp <n> (default 1)
//	Chipset.LinuxKernelDirect                  -kernel, -initrd, -append
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
// E_NOTIMPL naming the field; fields with no effect on a Linux guest (keyboard, mouse, video,
// battery, integration services) are ignored.
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
package vm
