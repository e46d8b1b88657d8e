package main

import (
	"os"

	"golang.org/x/sys/unix"

	"github.com/linuxhcs/hcs/client"
	"github.com/linuxhcs/hcs/hresult"
)

// What HCS_PROCESS_INFORMATION holds for a stream that was not requested: NULL after
// HcsCreateProcess, INVALID_HANDLE_VALUE after HcsGetProcessInfo, as on Windows.
const (
	absentNull    = 0
	absentInvalid = -1
)

// dupStdio returns the caller's descriptors for the stdio ends of info: fresh duplicates the
// caller owns, or absent for streams that were not requested. On failure none is left open.
func dupStdio(info client.ProcessInformation, absent int) ([3]int, error) {
	fds := [3]int{absent, absent, absent}
	for i, f := range []*os.File{info.StdInput, info.StdOutput, info.StdError} {
		if f == nil {
			continue
		}
		fd, err := dupForC(f)
		if err != nil {
			for _, done := range fds[:i] {
				if done != absent {
					unix.Close(done)
				}
			}
			return fds, err
		}
		fds[i] = fd
	}
	return fds, nil
}

// dupForC duplicates f's descriptor for the C caller: numbered 3 or above (so it is never
// NULL nor a standard stream of the caller), close-on-exec like a Windows handle that is not
// inheritable, and in blocking mode, as a C program reading a pipe expects.
func dupForC(f *os.File) (int, error) {
	rc, err := f.SyscallConn()
	if err != nil {
		return -1, hresult.Wrap(err, hresult.HCS_E_PROCESS_INFO_NOT_AVAILABLE, "process stdio")
	}
	fd := -1
	var dupErr error
	err = rc.Control(func(orig uintptr) {
		fd, dupErr = unix.FcntlInt(orig, unix.F_DUPFD_CLOEXEC, 3)
	})
	if err == nil {
		err = dupErr
	}
	if err != nil {
		return -1, hresult.Wrap(err, hresult.HCS_E_PROCESS_INFO_NOT_AVAILABLE, "duplicating a process stdio descriptor")
	}
	if err := unix.SetNonblock(fd, false); err != nil {
		unix.Close(fd)
		return -1, hresult.Wrap(err, hresult.HCS_E_PROCESS_INFO_NOT_AVAILABLE, "process stdio")
	}
	return fd, nil
}
