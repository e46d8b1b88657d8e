// Package container is the container driver: it runs an HCS Container as an OCI container
// started by runc or crun, with hcs-agent as the container's init, and creates every process
// of the container through that agent.
//
// # From an HCS document to an OCI spec
//
// BuildSpec translates a Container document into an OCI runtime spec. It is pure: it reads no
// file and makes no system call, so everything it depends on (the rootfs path, the agent's
// argv, the cgroup layout, the host's CPU count) arrives in SpecInput, and golden tests pin
// its output. The driver mounts the layers, writes the spec into a bundle and runs the
// runtime; the spec only refers to the union mounted at SpecInput.RootfsPath.
//
// The spec carries the defaults that runc, containerd and moby ship for a rootful container:
// no_new_privs, moby's 14 default capabilities with empty inheritable and ambient sets, masked
// and read-only /proc and /sys paths, a read-only /sys, a device-cgroup allowlist, a pids
// limit, private mount propagation and a seccomp profile that denies by default (see
// seccomp.go for its reasoning).
//
// No user namespace is created. The layers are root-owned directories on the host, shared by
// every container that uses them, and the runtime runs as root: this is runc's and Docker's
// default rootful mode. Mapping ids would need either idmapped mounts on every layer and
// mapped directory or a chown copy per container, and mapped directories would then show host
// files as owned by nobody.
//
// Windows-only fields of the document (registry changes, named pipes, HvSocket, credential
// guard, device assignment, HNS endpoints, storage QoS, host-process containers) have no Linux
// meaning here. When empty they are ignored; when set, BuildSpec fails with ERROR_NOT_SUPPORTED naming
// the field, so a caller never believes a setting took effect when it did not. Fields that
// are only hints with no observable effect (Layer.Cache, MappedDirectory.SupportCloudFiles,
// Networking.AllowUnqualifiedDnsQuery) are accepted and ignored.
//
// # Cgroups
//
// DetectCgroupLayout reads the mount table to tell a unified cgroup2 host from a cgroup v1 or
// hybrid one; BuildSpec uses the answer to decide on a cgroup namespace, and the driver uses
// it to choose a runtime (Debian's crun refuses hybrid hosts).
package container
