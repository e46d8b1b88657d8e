package storage

import (
	"errors"
	"os"
	"strconv"
	"strings"

	"golang.org/x/sys/unix"
)

// inRoot is how every path below a layer root is resolved: the kernel keeps the walk inside
// the root, refuses every symbolic link (a layer's own links are data, never followed while
// the layer is written or read) and every magic link, and never crosses a mount.
const inRoot = unix.RESOLVE_IN_ROOT | unix.RESOLVE_NO_SYMLINKS | unix.RESOLVE_NO_MAGICLINKS | unix.RESOLVE_NO_XDEV

// openIn opens path (components joined by "/", no "..") relative to the directory fd root
// with openat2 and the inRoot rules. An empty path opens root itself again.
func openIn(root int, path string, flags int) (int, error) {
	if path == "" {
		path = "."
	}
	how := &unix.OpenHow{Flags: uint64(flags | unix.O_CLOEXEC | unix.O_NOFOLLOW), Resolve: inRoot}
	for {
		fd, err := unix.Openat2(root, path, how)
		if err != unix.EINTR && err != unix.EAGAIN {
			return fd, err
		}
	}
}

// openDirIn opens the directory at comps below root.
func openDirIn(root int, comps []string) (int, error) {
	return openIn(root, strings.Join(comps, "/"), unix.O_DIRECTORY|unix.O_RDONLY)
}

// mkdirAllIn opens the directory at comps below root, creating missing directories (mode
// 0755, owned by root) one component at a time. A component that exists and is not a
// directory, or is a symbolic link, is an error (ENOTDIR or ELOOP).
func mkdirAllIn(root int, comps []string) (int, error) {
	fd, err := openDirIn(root, comps)
	if err != unix.ENOENT {
		return fd, err
	}
	cur, err := openIn(root, "", unix.O_DIRECTORY|unix.O_RDONLY)
	if err != nil {
		return -1, err
	}
	for _, c := range comps {
		next, err := openIn(cur, c, unix.O_DIRECTORY|unix.O_RDONLY)
		if err == unix.ENOENT {
			if err = unix.Mkdirat(cur, c, 0o755); err == nil || err == unix.EEXIST {
				unix.Fchmodat(cur, c, 0o755, 0)
				next, err = openIn(cur, c, unix.O_DIRECTORY|unix.O_RDONLY)
			}
		}
		unix.Close(cur)
		if err != nil {
			return -1, err
		}
		cur = next
	}
	return cur, nil
}

// removeAllAt removes name in the directory dirfd and, when it is a directory, everything
// below it. It never follows a symbolic link. A missing name is not an error.
func removeAllAt(dirfd int, name string) error {
	err := unix.Unlinkat(dirfd, name, 0)
	if err == nil || err == unix.ENOENT {
		return nil
	}
	if err != unix.EISDIR && err != unix.EPERM {
		return err
	}
	fd, err := openIn(dirfd, name, unix.O_DIRECTORY|unix.O_RDONLY)
	if err != nil {
		return err
	}
	d := os.NewFile(uintptr(fd), name)
	defer d.Close()
	for {
		names, err := d.Readdirnames(1024)
		for _, n := range names {
			if err := removeAllAt(fd, n); err != nil {
				return err
			}
		}
		if err != nil || len(names) == 0 {
			break
		}
	}
	return unix.Unlinkat(dirfd, name, unix.AT_REMOVEDIR)
}

// fdPath is the /proc path through which the entry name in the directory fd dirfd is
// reached by calls that have no *at form (the l*xattr calls). The magic link is the
// process's own descriptor, and name is never followed by those calls.
func fdPath(dirfd int, name string) string {
	return "/proc/self/fd/" + strconv.Itoa(dirfd) + "/" + name
}

// isErrno reports whether err is one of the errnos.
func isErrno(err error, errnos ...unix.Errno) bool {
	for _, e := range errnos {
		if errors.Is(err, e) {
			return true
		}
	}
	return false
}
