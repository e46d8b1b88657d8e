// Package agent is hcs-agent, the init process of every container and of every VM guest.
// In a container it listens on a unix socket it inherits, speaks the protocol of package
// [github.com/linuxhcs/hcs/agent/protocol] with hcsd, spawns processes with the stdio
// descriptors it is handed, reaps every child, keeps exits until hcsd acknowledges them,
// lists processes, resizes consoles and shuts the container down.
//
// # Starting the agent (for the container driver)
//
// The binary is cmd/hcs-agent, built static (CGO_ENABLED=0). To run it as a container's init:
//
//  1. Create a listening unix stream socket for the container (net.ListenUnix), and a sealed
//     memfd copy of the binary (memfd_create with MFD_ALLOW_SEALING, write, F_ADD_SEALS with
//     F_SEAL_WRITE|F_SEAL_GROW|F_SEAL_SHRINK|F_SEAL_SEAL), so the container cannot write to
//     it through /proc/1/exe.
//  2. Hand both descriptors to the OCI runtime as fds 3 and 4 (ExtraFiles) with
//     "--preserve-fds 2", which keeps their numbers inside the container.
//  3. Set process.args in the OCI spec to protocol.AgentArgs("/proc/self/fd/4", 3), that is
//     ["/proc/self/fd/4", "--listen-fd=3"]. process.env, cwd and user are irrelevant to the
//     agent (it runs as root; each spawned process gets its own). process.terminal must be
//     false: consoles are per process, see below. The agent's own stdout and stderr receive
//     its diagnostics only.
//  4. Connect with protocol.Dial(ctx, socketPath, opts) and drive it with the returned
//     Client; after an hcsd restart, Dial again: the agent accepts a new connection at any
//     time, the new one replaces the old one, and every unacknowledged exit is reported
//     again.
//
// The environment variable HCS_AGENT_LISTEN_FD=N may replace the flag. "--shutdown-timeout"
// sets how long a shutdown caused by SIGTERM or SIGINT to the agent waits before SIGKILL
// (default 10s). At start-up the agent closes every inherited descriptor above 2 except the
// listening socket (the memfd it was started from included), so it holds no descriptor of
// the host and spawned processes inherit nothing but their own stdio.
//
// Stdio: for each process hcsd creates pipes (or a pty pair with protocol.OpenPTY for
// EmulateConsole) and sends the agent's ends with Spawn; the other ends go to the client, so
// the bytes never pass through hcsd or the agent. Streams the request leaves out read from or
// write to /dev/null inside the container; without a /dev/null, stdin is a pipe whose write
// end is already closed (immediate end of file) and stdout/stderr are pipes the agent drains
// and discards. Every spawned process starts in a new session (setsid), so a process group
// signal from inside the container never reaches the agent.
//
// # In a VM guest
//
// With --transport=virtio-serial:NAME (or HCS_AGENT_TRANSPORT, or as pid 1 with no
// arguments, which is how the kernel starts /init: the port "hcs.agent") the agent is the
// init of a VM guest. It mounts /proc, /sys, /dev (devtmpfs), /dev/pts, /dev/shm and /run,
// loads the modules listed in /etc/hcs/modules (in order), sets kernel.unknown_nmi_panic so
// that HcsCrashComputeSystem's NMI panics the guest, and serves the host on the
// virtio-serial port NAME. A port carries no descriptors: stdio is relayed over the
// connection (protocol.Relay), with pipes, or a pseudo-terminal for a console, created in
// the guest. The port stays open for the agent's life; each time the host connects a new
// session starts with protocol.SyncPreamble, and unacknowledged exits are sent again. When
// a shutdown completes the agent powers the guest off instead of exiting.
//
// # Containers in a guest
//
// The agent of a VM guest can run containers of its own, for hypervisor-isolated
// containers (a container document with HostingSystemId). The host does not use this yet:
// it refuses such documents; layers reach the guest through guest requests (see "Guest
// requests" below). What exists:
//
//   - CreateContainer {ID, Layers (read-only directories, topmost first), Scratch,
//     Hostname, MappedDirectories} starts the container's init: the agent's own binary,
//     executed again (/proc/self/exe) with argv[0] "hcs-container-init", in new pid, mount,
//     uts and ipc namespaces. The network namespace is the guest's, shared by every
//     container. The init makes its mounts slaves of the guest's, mounts the overlay of
//     Layers with Scratch/upper and Scratch/work (created when absent) on
//     /run/hcs/containers/ID/rootfs, bind-mounts each mapped directory (remounted
//     read-only when asked), mounts /proc, a read-only /sys, a tmpfs /dev holding the
//     guest's null, zero, full, random, urandom and tty (bind mounts, so no CAP_MKNOD is
//     needed), a devpts instance of its own with /dev/ptmx, and /dev/shm, sets the host
//     name (the ID when none is given), pivots into the union, detaches the guest's root
//     and reports to the agent; then it only reaps orphans and ignores every signal but
//     SIGKILL. Every mount exists in the init's mount namespace only, never in the
//     agent's. A re-executed agent serves as init rather than a process of the agent
//     itself, because the mounts must be made from inside the new namespaces, and pid 1 of
//     a pid namespace must reap and survive signals from inside it; it needs no binary in
//     the layers or the guest besides the agent. No cgroup is made per container yet.
//   - Spawn with Container runs the process in that container. A short-lived helper (the
//     agent's binary with argv[0] "hcs-container-exec") locks its goroutine to its thread,
//     unshares that thread's file system attributes (setns into a mount namespace refuses a
//     thread that shares them, as every Go thread does), joins the init's ipc, uts, pid and
//     mount namespaces and its root, and forks the process from that thread with
//     CLONE_PARENT: it starts in the container's pid namespace as the agent's own child, so
//     its exit is reaped and reported like any other. The agent holds off reaping until the
//     pid is registered. User is resolved in the container's /etc/passwd and /etc/group,
//     the program (PATH) and WorkingDirectory in its root. Every form of stdio works: the
//     descriptors of a socket transport, and relayed streams; a relayed console is a
//     terminal of the container's devpts (opened through /proc/INIT/root/dev/ptmx).
//   - DeleteContainer kills the init with SIGKILL through a pidfd, which makes the kernel
//     kill every process of the container; once the init has exited its mount namespace,
//     with every mount of the container, is gone. A Shutdown sends SIGTERM to the
//     containers' processes with the others and deletes the containers once their inits
//     are all that is left.
//   - ListProcesses names the container of each process (ProcessInfo.Container), told by
//     its pid namespace.
//
// Errors: an unknown ID gives HCS_E_SYSTEM_NOT_FOUND, a duplicate one
// HCS_E_SYSTEM_ALREADY_EXISTS, a missing layer, scratch or mapped directory
// ERROR_NOT_FOUND naming the field. Paths in Layers and Scratch may not contain ',' or ':'
// (overlay options cannot carry them), and the overlay options must fit in a page.
//
// # Guest requests
//
// GuestModify {ResourceType, RequestType (Add or Remove), Settings} carries the guest
// part of an HcsModifyComputeSystem request on a utility VM (the schema's
// GuestModifySettingRequest). The mounts are made in the agent's own mount namespace, so
// containers created later see them:
//
//   - MappedDirectory {MountPath, ShareName, ReadOnly}: waits up to 10 s for a virtio-9p
//     device with the mount tag ShareName (the host has just plugged it) and mounts it
//     with trans=virtio,version=9p2000.L at MountPath, created when absent.
//   - MappedVirtualDisk {MountPath, Controller, Lun, Partition, ReadOnly}: the host
//     attaches each disk as channel 0, target 0 at its LUN, so the disk is
//     /sys/bus/scsi/devices/H:0:0:Lun, where H is the SCSI host of the Controller'th
//     virtio-scsi controller in PCI address order (the order the VM was given them). The
//     agent waits up to 10 s for the disk, its /dev node and its capacity (the guest may
//     probe a hot-added disk twice) and mounts it as ext4.
//     Partition must be 0.
//   - CombinedLayers {ContainerRootPath, Layers [{Path}] (topmost first), ScratchPath}:
//     mounts the overlay of the layers with ScratchPath/upper and ScratchPath/work
//     (created when absent) at ContainerRootPath.
//
// Remove unmounts MountPath or ContainerRootPath (ERROR_NOT_FOUND when nothing is mounted
// there, ERROR_BUSY when it is in use). Another resource type is refused with
// ERROR_NOT_SUPPORTED naming $.GuestRequest.ResourceType; a 9p tag that never appears is
// ERROR_NOT_FOUND naming $.GuestRequest.Settings.ShareName.
//
// # Outside a container
//
// When it is not pid 1 (tests, development) the agent makes itself a child subreaper
// (PR_SET_CHILD_SUBREAPER) so orphaned descendants are still reaped by it, and it only ever
// signals its own descendants: kill(-1) is used only when getpid() is 1.
package agent
