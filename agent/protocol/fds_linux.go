package protocol

import "github.com/linuxhcs/hcs/internal/fdconn"

// closeFDs closes every descriptor in fds, ignoring errors: they were received unasked or
// belong to a message that is being discarded.
func closeFDs(fds []int) { fdconn.CloseFDs(fds) }

// CloseFDs closes every descriptor in fds. Receivers use it for descriptors a message did
// not expect.
func CloseFDs(fds []int) { closeFDs(fds) }
