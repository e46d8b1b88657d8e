package vm

import (
	"errors"
	"fmt"
	"os"
	"runtime"
	"strings"
	"syscall"

	"golang.org/x/sys/unix"

	"github.com/linuxhcs/hcs/hresult"
)

// checkBootFiles opens and closes every file of the document that QEMU, run as cmd, will
// open, so that a file that is missing or that the VM may not use fails Create (or the
// Modify that named it), not Start.
func (s *System) checkBootFiles(cmd *Command) error {
	for _, f := range cmd.Files {
		if f.Role != RoleBootFile {
			continue
		}
		file, err := s.openBootFile(f)
		if err != nil {
			return err
		}
		file.Close()
	}
	return nil
}

// openBootFile opens a file the document names with the rights QEMU's uid and groups have
// on the file itself, and none on the directories above it: the service resolves the
// path, and a thread of its own, with the VM's filesystem identity, reopens the file
// through /proc/self/fd. A file granted with HcsGrantVmAccess is so usable even inside a
// private directory, as on Windows, and a file the VM may not read stays closed to it.
func (s *System) openBootFile(f InheritedFile) (*os.File, error) {
	pathFD, err := unix.Open(f.Path, unix.O_PATH|unix.O_CLOEXEC, 0)
	if err != nil {
		return nil, s.bootFileError(f, err)
	}
	defer unix.Close(pathFD)
	var st unix.Stat_t
	if err := unix.Fstat(pathFD, &st); err != nil {
		return nil, s.bootFileError(f, err)
	}
	if t := st.Mode & unix.S_IFMT; t != unix.S_IFREG && t != unix.S_IFBLK {
		return nil, hresult.Errorf(hresult.E_INVALIDARG, "%s: %s is not a file", f.Field, f.Path)
	}
	fd, err := reopenAs(pathFD, f.Write, s.credential())
	if err != nil {
		return nil, s.bootFileError(f, err)
	}
	return os.NewFile(uintptr(fd), f.Path), nil
}

// reopenAs opens the file behind pathFD with cred's filesystem identity. The thread that
// takes that identity stays locked to its goroutine, so Go discards it when the goroutine
// ends and no other code ever runs with it.
func reopenAs(pathFD int, write bool, cred *syscall.Credential) (int, error) {
	type result struct {
		fd  int
		err error
	}
	ch := make(chan result, 1)
	go func() {
		runtime.LockOSThread()
		fd, err := reopenLocked(pathFD, write, cred)
		ch <- result{fd, err}
	}()
	r := <-ch
	return r.fd, r.err
}

// reopenLocked is reopenAs on the locked thread. setgroups, setfsgid and setfsuid act on
// the calling thread only; a non-zero fsuid also drops the capabilities that bypass file
// permissions.
func reopenLocked(pathFD int, write bool, cred *syscall.Credential) (int, error) {
	groups := make([]int, len(cred.Groups))
	for i, g := range cred.Groups {
		groups[i] = int(g)
	}
	if err := unix.Setgroups(groups); err != nil {
		return -1, err
	}
	unix.Setfsgid(int(cred.Gid))
	unix.Setfsuid(int(cred.Uid))
	if uid, _ := unix.SetfsuidRetUid(-1); uid != int(cred.Uid) {
		return -1, fmt.Errorf("could not take the VM's uid %d (fsuid is %d)", cred.Uid, uid)
	}
	flags := unix.O_RDONLY
	if write {
		flags = unix.O_RDWR
	}
	return unix.Open(fmt.Sprintf("/proc/self/fd/%d", pathFD), flags|unix.O_CLOEXEC|unix.O_NONBLOCK, 0)
}

// bootFileError is the error for a document's file QEMU cannot be given: ERROR_NOT_FOUND
// when it does not exist, E_ACCESSDENIED (the code Windows gives a VM worker that was not
// granted a file) when the VM may not use it.
func (s *System) bootFileError(f InheritedFile, err error) error {
	what := "read"
	if f.Write {
		what = "read and write"
	}
	switch {
	case errors.Is(err, unix.ENOENT) || errors.Is(err, unix.ENOTDIR):
		return hresult.Wrap(err, hresult.ERROR_NOT_FOUND, fmt.Sprintf("%s: %s does not exist", f.Field, f.Path))
	case errors.Is(err, unix.EACCES) || errors.Is(err, unix.EPERM) || errors.Is(err, unix.EROFS):
		return hresult.Wrap(err, hresult.E_ACCESSDENIED, fmt.Sprintf("%s: VM %s may not %s %s; give it access with HcsGrantVmAccess", f.Field, s.id, what, f.Path))
	}
	return hresult.Wrap(err, hresult.E_FAIL, fmt.Sprintf("%s: open %s", f.Field, strings.TrimSpace(f.Path)))
}
