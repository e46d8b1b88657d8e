package container

import (
	"context"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	specs "github.com/opencontainers/runtime-spec/specs-go"
	"golang.org/x/sys/unix"

	"github.com/linuxhcs/hcs/hresult"
	"github.com/linuxhcs/hcs/schema"
)

// Mapped directories are added to a running container from the host: the container's root
// is a shared mount on the host and the container's copy of it a slave (rootfsPropagation
// rslave), so a bind mount made on the host under the root appears inside the container,
// and unmounting it there removes it from the container.

// makeShared marks the union on the container's root as a shared mount.
func makeShared(path string) error {
	if err := unix.Mount("", path, "", unix.MS_SHARED, ""); err != nil {
		return hresult.Wrap(err, hresult.E_FAIL, "sharing the container root "+path)
	}
	return nil
}

// modifyMappedDirectory adds (RequestType Add) or removes (Remove) a mapped directory of a
// running container, or of one not yet started (see mapBeforeStart).
func (s *System) modifyMappedDirectory(ctx context.Context, req *schema.ModifySettingRequest) error {
	var md schema.MappedDirectory
	if err := schema.DecodeAt("$.Settings", req.Settings, &md); err != nil {
		return err
	}
	if err := checkMappedTarget(md.ContainerPath); err != nil {
		return err
	}
	started := s.hasStarted()
	switch {
	case req.RequestType == schema.ModifyRequestTypeAdd && !started:
		return s.mapBeforeStart(md)
	case req.RequestType == schema.ModifyRequestTypeAdd:
		return s.addMapped(md)
	case req.RequestType == schema.ModifyRequestTypeRemove && !started:
		return s.unmapBeforeStart(md.ContainerPath)
	case req.RequestType == schema.ModifyRequestTypeRemove:
		return s.removeMapped(md.ContainerPath)
	}
	return hresult.Errorf(hresult.E_INVALIDARG, "$.RequestType: %q must be Add or Remove for Container/MappedDirectories", req.RequestType)
}

// checkMappedTarget applies the rules BuildSpec uses for mapped directories at creation.
func checkMappedTarget(p string) error {
	return checkContainerPath("$.Settings.ContainerPath", p)
}

// addMapped mounts HostPath on ContainerPath inside the container's root. The mount is
// made detached (a recursive clone of HostPath, made read-only first when asked) and then
// moved into place, so it never appears writable. The target is resolved inside the root
// (symlinks in the container cannot lead out of it) and created when missing.
func (s *System) addMapped(md schema.MappedDirectory) error {
	if !filepath.IsAbs(md.HostPath) {
		return hresult.Errorf(hresult.E_INVALIDARG, "$.Settings.HostPath: %q is not an absolute path", md.HostPath)
	}
	tree, err := unix.OpenTree(unix.AT_FDCWD, md.HostPath, unix.OPEN_TREE_CLONE|unix.OPEN_TREE_CLOEXEC|unix.AT_RECURSIVE)
	if err != nil {
		return hresult.Wrap(err, hresult.E_INVALIDARG, "$.Settings.HostPath "+md.HostPath)
	}
	defer unix.Close(tree)
	if md.ReadOnly {
		attr := &unix.MountAttr{Attr_set: unix.MOUNT_ATTR_RDONLY}
		if err := unix.MountSetattr(tree, "", unix.AT_EMPTY_PATH|unix.AT_RECURSIVE, attr); err != nil {
			return hresult.Wrap(err, hresult.E_FAIL, "making "+md.ContainerPath+" read-only")
		}
	}
	target, err := s.openTarget(md.ContainerPath)
	if err != nil {
		return err
	}
	defer unix.Close(target)
	if err := unix.MoveMount(tree, "", target, "", unix.MOVE_MOUNT_F_EMPTY_PATH|unix.MOVE_MOUNT_T_EMPTY_PATH); err != nil {
		return hresult.Wrap(err, hresult.E_FAIL, "mapping "+md.HostPath+" to "+md.ContainerPath)
	}
	s.mu.Lock()
	s.mapped = append(s.mapped, md.ContainerPath)
	s.mu.Unlock()
	return s.saveState()
}

// openTarget opens (creating it when missing) the directory ContainerPath inside the
// container's root, resolving every component inside that root.
func (s *System) openTarget(containerPath string) (int, error) {
	root, err := unix.Open(s.rootfs, unix.O_PATH|unix.O_DIRECTORY|unix.O_CLOEXEC, 0)
	if err != nil {
		return -1, hresult.Wrap(err, hresult.E_FAIL, "container root")
	}
	defer unix.Close(root)
	rel := containerPath[1:]
	how := inRoot
	fd, err := unix.Openat2(root, rel, &how)
	if err == unix.ENOENT {
		if err := mkdirAllInRoot(root, rel); err != nil {
			return -1, err
		}
		fd, err = unix.Openat2(root, rel, &how)
	}
	if err != nil {
		return -1, hresult.Wrap(err, hresult.E_INVALIDARG, "$.Settings.ContainerPath "+containerPath)
	}
	return fd, nil
}

// inRoot resolves every path below the container's root as if the root were "/".
var inRoot = unix.OpenHow{Flags: unix.O_PATH | unix.O_DIRECTORY | unix.O_CLOEXEC, Resolve: unix.RESOLVE_IN_ROOT | unix.RESOLVE_NO_MAGICLINKS}

// mkdirAllInRoot creates each missing component of rel under root, one level at a time,
// each parent resolved inside root.
func mkdirAllInRoot(root int, rel string) error {
	dir := "."
	for _, part := range strings.Split(rel, "/") {
		if part == "" {
			continue
		}
		how := inRoot
		parent, err := unix.Openat2(root, dir, &how)
		if err != nil {
			return hresult.Wrap(err, hresult.E_INVALIDARG, "creating "+rel+" in the container")
		}
		err = unix.Mkdirat(parent, part, 0o755)
		unix.Close(parent)
		if err != nil && err != unix.EEXIST {
			return hresult.Wrap(err, hresult.E_FAIL, "creating "+rel+" in the container")
		}
		dir = filepath.Join(dir, part)
	}
	return nil
}

// removeMapped unmounts a mapped directory; the unmount propagates into the container.
func (s *System) removeMapped(containerPath string) error {
	s.mu.Lock()
	idx := -1
	for i, p := range s.mapped {
		if p == containerPath {
			idx = i
		}
	}
	s.mu.Unlock()
	if idx < 0 {
		return hresult.Errorf(hresult.ERROR_NOT_FOUND,
			"Container/MappedDirectories: %s was not added to this container while it runs (directories mapped at creation or before start stay for its life)", containerPath)
	}
	target, err := s.openTarget(containerPath)
	if err != nil {
		return err
	}
	defer unix.Close(target)
	if err := unix.Unmount("/proc/self/fd/"+strconv.Itoa(target), unix.MNT_DETACH); err != nil {
		return hresult.Wrap(err, hresult.E_FAIL, "removing the mapping of "+containerPath)
	}
	s.mu.Lock()
	s.mapped = append(s.mapped[:idx], s.mapped[idx+1:]...)
	s.mu.Unlock()
	return s.saveState()
}

// unmapAll removes every mapped directory added at run time, before the root is detached.
func (s *System) unmapAll() {
	s.mu.Lock()
	paths := append([]string(nil), s.mapped...)
	s.mu.Unlock()
	for i := len(paths) - 1; i >= 0; i-- {
		_ = s.removeMapped(paths[i])
	}
}

// mapBeforeStart adds a mapped directory to the bundle of a container that has not started,
// where the runtime mounts it as it mounts those of the configuration. (Mounting it into the
// root on the host, as for a running container, would reach the container too, but whether
// a later unmount follows it there depends on the runtime.)
func (s *System) mapBeforeStart(md schema.MappedDirectory) error {
	if err := checkMappedDirectory("$.Settings", md); err != nil {
		return err
	}
	if _, err := os.Stat(md.HostPath); err != nil {
		return hresult.Wrap(err, hresult.E_INVALIDARG, "$.Settings.HostPath "+md.HostPath)
	}
	return s.editSpec(func(spec *specs.Spec) error {
		if mountIndex(spec, md.ContainerPath) >= 0 {
			return hresult.Errorf(hresult.E_INVALIDARG, "$.Settings.ContainerPath: %s is already mapped", md.ContainerPath)
		}
		spec.Mounts = append(spec.Mounts, bindMount(md))
		return nil
	})
}

// unmapBeforeStart removes a mapped directory from the bundle of a container that has not
// started: one of its configuration or one added since.
func (s *System) unmapBeforeStart(containerPath string) error {
	return s.editSpec(func(spec *specs.Spec) error {
		i := mountIndex(spec, containerPath)
		if i < 0 || spec.Mounts[i].Type != "bind" {
			return hresult.Errorf(hresult.ERROR_NOT_FOUND, "Container/MappedDirectories: %s is not mapped into this container", containerPath)
		}
		spec.Mounts = append(spec.Mounts[:i], spec.Mounts[i+1:]...)
		return nil
	})
}

// mountIndex returns the index of the mount on containerPath in spec, or -1.
func mountIndex(spec *specs.Spec, containerPath string) int {
	for i, m := range spec.Mounts {
		if m.Destination == containerPath {
			return i
		}
	}
	return -1
}
