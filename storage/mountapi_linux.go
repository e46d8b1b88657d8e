package storage

import (
	"errors"
	"strings"

	"golang.org/x/sys/unix"

	"github.com/linuxhcs/hcs/hresult"
)

// errOldKernel says the kernel's overlayfs lacks the "lowerdir+" mount parameter (6.8).
var errOldKernel = errors.New("overlayfs without lowerdir+")

// mountUnionFds mounts the union with fsopen/fsconfig/fsmount/move_mount, giving every layer
// as an open descriptor (or, before Linux 6.13, as its path, one parameter per layer).
func mountUnionFds(path string, parents []string, source string) error {
	fsfd, err := unix.Fsopen("overlay", unix.FSOPEN_CLOEXEC)
	if err != nil {
		return errOldKernel
	}
	defer unix.Close(fsfd)
	if err := unix.FsconfigSetString(fsfd, "source", source); err != nil {
		return unionError(fsfd, path, "source", err)
	}
	for i, p := range parents {
		if err := setDir(fsfd, "lowerdir+", p, nil); err != nil {
			if i == 0 && errors.Is(err, unix.EINVAL) {
				return errOldKernel
			}
			return unionError(fsfd, path, "parent layer "+p, err)
		}
	}
	wfd, err := unix.Open(path, unix.O_PATH|unix.O_DIRECTORY|unix.O_CLOEXEC, 0)
	if err != nil {
		return hresult.Wrap(err, 0, "writable layer "+path)
	}
	defer unix.Close(wfd)
	for key, dir := range map[string]string{"upperdir": "upper", "workdir": "work"} {
		if err := setDir(fsfd, key, DataDir+"/"+dir, &wfd); err != nil {
			return unionError(fsfd, path, key, err)
		}
	}
	for _, opt := range strings.Split(unionOptions, ",") {
		k, v, _ := strings.Cut(opt, "=")
		if err := unix.FsconfigSetString(fsfd, k, v); err != nil {
			return unionError(fsfd, path, k, err)
		}
	}
	return createAndMove(fsfd, path)
}

// setDir gives overlay the directory p for key: as a descriptor when the kernel takes one,
// else as a path. With base set, p is resolved below that directory (inRoot rules).
func setDir(fsfd int, key, p string, base *int) error {
	var fd int
	var err error
	if base != nil {
		fd, err = openIn(*base, p, unix.O_PATH|unix.O_DIRECTORY)
	} else {
		fd, err = unix.Open(p, unix.O_PATH|unix.O_DIRECTORY|unix.O_CLOEXEC, 0)
	}
	if err != nil {
		return err
	}
	defer unix.Close(fd)
	if err := unix.FsconfigSetFd(fsfd, key, fd); err == nil {
		return nil
	}
	real, err := realPath(fd)
	if err != nil {
		return err
	}
	return unix.FsconfigSetString(fsfd, key, real)
}

// createAndMove creates the configured superblock and mounts it on path.
func createAndMove(fsfd int, path string) error {
	if err := unix.FsconfigCreate(fsfd); err != nil {
		return unionError(fsfd, path, "creating the union", err)
	}
	mfd, err := unix.Fsmount(fsfd, unix.FSMOUNT_CLOEXEC, 0)
	if err != nil {
		return unionError(fsfd, path, "mounting the union", err)
	}
	defer unix.Close(mfd)
	if err := unix.MoveMount(mfd, "", unix.AT_FDCWD, path, unix.MOVE_MOUNT_F_EMPTY_PATH); err != nil {
		return unionError(fsfd, path, "mounting the union", err)
	}
	return nil
}

// unionError describes a failed mount step, adding the messages the kernel left on fsfd.
func unionError(fsfd int, path, what string, err error) error {
	msg := "attaching the union on " + path + ": " + what
	buf := make([]byte, 1024)
	for i := 0; i < 8; i++ {
		n, rerr := unix.Read(fsfd, buf)
		if rerr != nil || n <= 0 {
			break
		}
		msg += " (" + strings.TrimSpace(string(buf[:n])) + ")"
	}
	return sysError(err, msg)
}
