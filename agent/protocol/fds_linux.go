package protocol

import "golang.org/x/sys/unix"

// closeFDs closes every descriptor in fds, ignoring errors: they were received unasked or
// belong to a message that is being discarded.
func closeFDs(fds []int) {
	for _, fd := range fds {
		if fd >= 0 {
			unix.Close(fd)
		}
	}
}

// CloseFDs closes every descriptor in fds. Receivers use it for descriptors a message did
// not expect.
func CloseFDs(fds []int) { closeFDs(fds) }
