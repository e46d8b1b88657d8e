package fdconn

import (
	"os"

	"golang.org/x/sys/unix"
)

// DupFD returns a close-on-exec duplicate of f's descriptor as a raw descriptor the caller
// owns: what goes out with a message while the caller keeps f.
func DupFD(f *os.File) (int, error) {
	rc, err := f.SyscallConn()
	if err != nil {
		return -1, err
	}
	fd := -1
	var dupErr error
	if err := rc.Control(func(s uintptr) { fd, dupErr = unix.FcntlInt(s, unix.F_DUPFD_CLOEXEC, 0) }); err != nil {
		return -1, err
	}
	return fd, dupErr
}

// Dup is DupFD as an *os.File named like f, or nil for nil.
func Dup(f *os.File) (*os.File, error) {
	if f == nil {
		return nil, nil
	}
	fd, err := DupFD(f)
	if err != nil {
		return nil, err
	}
	return os.NewFile(uintptr(fd), f.Name()), nil
}
