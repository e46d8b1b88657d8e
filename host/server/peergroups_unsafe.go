//go:build linux

package server

import (
	"unsafe"

	"golang.org/x/sys/unix"
)

// maxGroups is the kernel's NGROUPS_MAX.
const maxGroups = 65536

// peerGroups returns the supplementary groups the peer of socket fd had when it connected
// (SO_PEERGROUPS). Unlike /proc/<pid>/status, they cannot change or belong to a reused pid.
func peerGroups(fd int) ([]uint32, error) {
	n := 64
	for {
		buf := make([]uint32, n)
		size := uint32(n * 4)
		_, _, errno := unix.Syscall6(unix.SYS_GETSOCKOPT, uintptr(fd), unix.SOL_SOCKET, unix.SO_PEERGROUPS,
			uintptr(unsafe.Pointer(&buf[0])), uintptr(unsafe.Pointer(&size)), 0)
		switch {
		case errno == unix.ERANGE && n < maxGroups:
			n = min(int(size/4)+1, maxGroups) // the kernel said how much room it needs
		case errno != 0:
			return nil, errno
		default:
			return buf[:size/4], nil
		}
	}
}
