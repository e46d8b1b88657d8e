package container

import (
	"path/filepath"

	specs "github.com/opencontainers/runtime-spec/specs-go"

	"github.com/linuxhcs/hcs/hresult"
	"github.com/linuxhcs/hcs/schema"
)

// OCIVersion is the runtime-spec version BuildSpec writes. Every field it sets exists in
// 1.0.2, and crun 1.8 refuses any version that is not 1.0.x ("unknown version specified"),
// so the spec claims 1.0.2 even though the Go types come from a newer runtime-spec module.
const OCIVersion = "1.0.2"

// DefaultOpenFilesLimit is the init's RLIMIT_NOFILE (soft and hard) when SpecInput sets none,
// the value runc's and containerd's default configurations use.
const DefaultOpenFilesLimit = 1 << 20

// defaultPath is the PATH of the container's init, the one Docker and runc's example use.
const defaultPath = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"

// SpecInput is everything BuildSpec needs. It holds no handles and BuildSpec reads nothing
// else, so the same input always gives the same spec.
type SpecInput struct {
	// ID is the compute-system id; a host name is derived from it when no other is given.
	ID string
	// Container is the HCS Container document (ComputeSystem.Container).
	Container *schema.Container
	// RootfsPath is the absolute host path where the driver mounts the container's union
	// filesystem; it becomes the spec's writable root.
	RootfsPath string
	// Args is the argv of the container's init, the agent, for example
	// ["/proc/self/fd/3", "--listen-fd=4"] when the runtime is given the agent binary and its
	// listening socket with --preserve-fds.
	Args []string
	// Cgroups is the host's cgroup layout, from DetectCgroupLayout.
	Cgroups CgroupLayout
	// CgroupsPath is the container's cgroup relative to the cgroup mounts, e.g. "/hcs/<id>".
	CgroupsPath string
	// NetworkNamespace is the absolute path of a network namespace the caller created for the
	// container (e.g. /run/netns/<name>); empty means none.
	NetworkNamespace string
	// DefaultHostname is the host name used when the document names none; when empty, one is
	// derived from ID.
	DefaultHostname string
	// HostCPUs is the number of CPUs of the host. It is needed for Processor.Maximum, a
	// fraction of the whole host.
	HostCPUs int
	// PidsLimit caps the number of tasks in the container; 0 means DefaultPidsLimit.
	PidsLimit int64
	// OpenFilesLimit is the init's RLIMIT_NOFILE, soft and hard; 0 means
	// DefaultOpenFilesLimit. The runtime can raise it above its own hard limit only with
	// CAP_SYS_RESOURCE, which a service in a restricted environment may lack (the build
	// machines do: their hard limit is 20000), so there the driver passes its own hard limit.
	OpenFilesLimit uint64
	// NoSeccomp leaves the seccomp profile out, for a runtime built without seccomp.
	NoSeccomp bool
}

// BuildSpec translates an HCS Container document into an OCI runtime spec. Bad input gives an
// *hresult.Error with E_INVALIDARG naming the field ("$.Container.MappedDirectories[2].
// ContainerPath: must be an absolute path"); a Windows-only setting gives ERROR_NOT_SUPPORTED.
func BuildSpec(in SpecInput) (*specs.Spec, error) {
	if err := in.check(); err != nil {
		return nil, err
	}
	c := in.Container
	if err := checkContainer(c); err != nil {
		return nil, err
	}
	hostname, err := hostnameFor(in)
	if err != nil {
		return nil, err
	}
	mapped, err := mappedMounts(c.MappedDirectories)
	if err != nil {
		return nil, err
	}
	namespaces, err := namespacesFor(c.Networking, in)
	if err != nil {
		return nil, err
	}
	res, err := resourcesFor(c, in)
	if err != nil {
		return nil, err
	}
	spec := &specs.Spec{
		Version:  OCIVersion,
		Process:  processFor(in, hostname),
		Root:     &specs.Root{Path: in.RootfsPath},
		Hostname: hostname,
		Mounts:   append(standardMounts(), mapped...),
		Linux: &specs.Linux{
			Resources:   res,
			CgroupsPath: in.CgroupsPath,
			Namespaces:  namespaces,
			// rslave: mounts the driver makes under the (shared) union on the host reach the
			// container, which is how mapped directories are added to a running container;
			// nothing mounted inside the container propagates back.
			RootfsPropagation: "rslave",
			MaskedPaths:       maskedPaths(in.HostCPUs),
			ReadonlyPaths:     readonlyPaths(),
		},
	}
	if !in.NoSeccomp {
		spec.Linux.Seccomp = DefaultSeccomp()
	}
	return spec, nil
}

// check validates the caller's part of the input; its errors name SpecInput fields.
func (in *SpecInput) check() error {
	switch {
	case in.Container == nil:
		return hresult.Errorf(hresult.E_INVALIDARG, "Container: required")
	case !isCleanAbs(in.RootfsPath):
		return hresult.Errorf(hresult.E_INVALIDARG, "SpecInput.RootfsPath: must be a clean absolute path, got %q", in.RootfsPath)
	case len(in.Args) == 0 || in.Args[0] == "":
		return hresult.Errorf(hresult.E_INVALIDARG, "SpecInput.Args: the init's argv is required")
	case in.NetworkNamespace != "" && !isCleanAbs(in.NetworkNamespace):
		return hresult.Errorf(hresult.E_INVALIDARG, "SpecInput.NetworkNamespace: must be a clean absolute path, got %q", in.NetworkNamespace)
	case in.HostCPUs < 0:
		return hresult.Errorf(hresult.E_INVALIDARG, "SpecInput.HostCPUs: must not be negative, got %d", in.HostCPUs)
	case in.PidsLimit < 0:
		return hresult.Errorf(hresult.E_INVALIDARG, "SpecInput.PidsLimit: must not be negative, got %d", in.PidsLimit)
	}
	return nil
}

// processFor is the init process: the agent as root in /, with no new privileges, the
// default capabilities and the open-files limit. Its OOM score is left as inherited
// (lowering it needs CAP_SYS_RESOURCE, which a service may lack); the agent raises the score
// of every process it starts instead, so a workload over its memory limit is killed rather
// than the init the container lives by.
func processFor(in SpecInput, hostname string) *specs.Process {
	nofile := in.OpenFilesLimit
	if nofile == 0 {
		nofile = DefaultOpenFilesLimit
	}
	return &specs.Process{
		User:            specs.User{UID: 0, GID: 0},
		Args:            append([]string(nil), in.Args...),
		Env:             []string{"PATH=" + defaultPath, "HOSTNAME=" + hostname},
		Cwd:             "/",
		Capabilities:    defaultCapabilities(),
		Rlimits:         []specs.POSIXRlimit{{Type: "RLIMIT_NOFILE", Hard: nofile, Soft: nofile}},
		NoNewPrivileges: true,
	}
}

// isCleanAbs reports whether p is absolute and already in its shortest form, so it holds no
// "." or ".." element, no doubled or trailing slash.
func isCleanAbs(p string) bool {
	return filepath.IsAbs(p) && filepath.Clean(p) == p
}
