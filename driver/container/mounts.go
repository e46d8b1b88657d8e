package container

import (
	"fmt"
	"path/filepath"
	"strings"

	specs "github.com/opencontainers/runtime-spec/specs-go"

	"github.com/linuxhcs/hcs/schema"
)

// reservedTargets are the kernel filesystems every container gets. A mapped directory may not
// sit on, above or below them: a host directory over /proc or /sys would undo the masked and
// read-only paths, and one in /dev could replace a device node.
var reservedTargets = []string{"/proc", "/sys", "/dev"}

// standardMounts is the filesystem set a Linux program expects, with the options runc's and
// moby's defaults use: nothing executable or set-uid where it is not needed, /sys and the
// cgroup tree read-only, and a private devpts instance.
func standardMounts() []specs.Mount {
	return []specs.Mount{
		{Destination: "/proc", Type: "proc", Source: "proc", Options: []string{"nosuid", "noexec", "nodev"}},
		{Destination: "/dev", Type: "tmpfs", Source: "tmpfs", Options: []string{"nosuid", "strictatime", "mode=755", "size=65536k"}},
		{Destination: "/dev/pts", Type: "devpts", Source: "devpts", Options: []string{"nosuid", "noexec", "newinstance", "ptmxmode=0666", "mode=0620", "gid=5"}},
		{Destination: "/dev/shm", Type: "tmpfs", Source: "shm", Options: []string{"nosuid", "noexec", "nodev", "mode=1777", "size=65536k"}},
		{Destination: "/dev/mqueue", Type: "mqueue", Source: "mqueue", Options: []string{"nosuid", "noexec", "nodev"}},
		{Destination: "/sys", Type: "sysfs", Source: "sysfs", Options: []string{"nosuid", "noexec", "nodev", "ro"}},
		{Destination: "/sys/fs/cgroup", Type: "cgroup", Source: "cgroup", Options: []string{"nosuid", "noexec", "nodev", "relatime", "ro"}},
	}
}

// mappedMounts turns MappedDirectories into recursive private bind mounts. A read-only
// directory is read-only all the way down ("rro"), so a mount below the host directory does
// not stay writable inside the container.
func mappedMounts(dirs []schema.MappedDirectory) ([]specs.Mount, error) {
	var mounts []specs.Mount
	seen := map[string]int{}
	for i, d := range dirs {
		field := fmt.Sprintf("$.Container.MappedDirectories[%d]", i)
		if err := checkMappedDirectory(field, d); err != nil {
			return nil, err
		}
		if j, dup := seen[d.ContainerPath]; dup {
			return nil, invalidArg(field+".ContainerPath", "%q is already mapped by $.Container.MappedDirectories[%d]", d.ContainerPath, j)
		}
		seen[d.ContainerPath] = i
		mounts = append(mounts, bindMount(d))
	}
	return mounts, nil
}

// bindMount is the mount of one mapped directory.
func bindMount(d schema.MappedDirectory) specs.Mount {
	opts := []string{"rbind", "rprivate"}
	if d.ReadOnly {
		opts = append(opts, "ro", "rro")
	}
	return specs.Mount{Destination: d.ContainerPath, Type: "bind", Source: d.HostPath, Options: opts}
}

// checkMappedDirectory validates one mapped directory; field is its path in the document.
func checkMappedDirectory(field string, d schema.MappedDirectory) error {
	if d.HostPathType == schema.PathTypeVirtualSmbShareName {
		return notSupported(field+".HostPathType", "virtual SMB shares exist only inside Hyper-V isolated systems")
	}
	if err := checkHostPath(field+".HostPath", d.HostPath); err != nil {
		return err
	}
	return checkContainerPath(field+".ContainerPath", d.ContainerPath)
}

// checkContainerPath requires a clean absolute path that is not the root and does not touch
// a reserved kernel filesystem.
func checkContainerPath(field, p string) error {
	switch {
	case p == "":
		return invalidArg(field, "required")
	case !filepath.IsAbs(p):
		return invalidArg(field, "must be an absolute path, got %q", p)
	case hasDotDot(p):
		return invalidArg(field, "must not contain \"..\", got %q", p)
	case filepath.Clean(p) != p:
		return invalidArg(field, "must be a clean path, got %q (want %q)", p, filepath.Clean(p))
	case p == "/":
		return invalidArg(field, "must not be the root directory")
	}
	for _, r := range reservedTargets {
		if p == r || strings.HasPrefix(p, r+"/") {
			return invalidArg(field, "must not be %s or inside it, got %q", r, p)
		}
	}
	return nil
}

// hasDotDot reports whether a slash-separated path has a ".." element.
func hasDotDot(p string) bool {
	for _, e := range strings.Split(p, "/") {
		if e == ".." {
			return true
		}
	}
	return false
}
