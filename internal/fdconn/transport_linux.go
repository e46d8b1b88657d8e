package fdconn

import (
	"errors"
	"fmt"
	"io"
	"net"
	"syscall"

	"golang.org/x/sys/unix"
)

// Transport moves bytes and descriptors over a connected unix stream socket. It implements
// FDReader and FDWriter.
type Transport struct {
	c        *net.UnixConn
	rc       syscall.RawConn
	oobSpace int
}

// NewTransport wraps a connected unix stream socket whose frames carry at most maxFDs
// descriptors. The caller keeps ownership of c.
func NewTransport(c *net.UnixConn, maxFDs int) (*Transport, error) {
	rc, err := c.SyscallConn()
	if err != nil {
		return nil, err
	}
	// Room for one more descriptor than a frame may carry, so that a sender who exceeds
	// the limit is detected rather than silently truncated.
	return &Transport{c: c, rc: rc, oobSpace: unix.CmsgSpace((maxFDs + 1) * 4)}, nil
}

// UnixConn returns the socket.
func (t *Transport) UnixConn() *net.UnixConn { return t.c }

// ReadFDs implements FDReader with recvmsg(MSG_CMSG_CLOEXEC), so received descriptors are
// never inherited by spawned processes. It honours the connection's read deadline.
func (t *Transport) ReadFDs(p []byte) (int, []int, error) {
	oob := make([]byte, t.oobSpace)
	var n, oobn, flags int
	var rerr error
	err := t.rc.Read(func(fd uintptr) bool {
		for {
			n, oobn, flags, _, rerr = unix.Recvmsg(int(fd), p, oob, unix.MSG_CMSG_CLOEXEC)
			if rerr != unix.EINTR {
				return rerr != unix.EAGAIN
			}
		}
	})
	if err == nil {
		err = rerr
	}
	fds, perr := parseRights(oob[:oobn])
	if perr == nil && flags&unix.MSG_CTRUNC != 0 {
		perr = fmt.Errorf("%w: control data truncated", ErrTooManyFDs)
	}
	if perr != nil {
		CloseFDs(fds)
		return 0, nil, ProtocolError(perr)
	}
	if err != nil {
		CloseFDs(fds)
		return 0, nil, err
	}
	if n == 0 && len(p) > 0 {
		CloseFDs(fds)
		return 0, nil, io.EOF
	}
	return n, fds, nil
}

// parseRights returns every descriptor in the SCM_RIGHTS messages of oob; other control
// messages are ignored. On error the descriptors found so far are returned for closing.
func parseRights(oob []byte) ([]int, error) {
	if len(oob) == 0 {
		return nil, nil
	}
	msgs, err := unix.ParseSocketControlMessage(oob)
	if err != nil {
		return nil, fmt.Errorf("control data: %w", err)
	}
	var fds []int
	for i := range msgs {
		if msgs[i].Header.Level != unix.SOL_SOCKET || msgs[i].Header.Type != unix.SCM_RIGHTS {
			continue
		}
		more, err := unix.ParseUnixRights(&msgs[i])
		if err != nil {
			return fds, fmt.Errorf("SCM_RIGHTS: %w", err)
		}
		fds = append(fds, more...)
	}
	return fds, nil
}

// WriteFDs implements FDWriter: one sendmsg carries the descriptors with the first bytes, and
// plain writes finish a frame the socket did not take at once.
func (t *Transport) WriteFDs(p []byte, fds []int) error {
	var oob []byte
	if len(fds) > 0 {
		oob = unix.UnixRights(fds...)
	}
	n, _, err := t.c.WriteMsgUnix(p, oob, nil)
	if err != nil {
		return err
	}
	if n < len(p) {
		_, err = t.c.Write(p[n:])
	}
	return err
}

// IsClosed reports whether err only says that the connection ended.
func IsClosed(err error) bool {
	return errors.Is(err, io.EOF) || errors.Is(err, net.ErrClosed) ||
		errors.Is(err, syscall.ECONNRESET) || errors.Is(err, syscall.EPIPE)
}

// CloseFDs closes every descriptor in fds, ignoring errors: they were received unasked or
// belong to a message that is being discarded. Negative entries are skipped.
func CloseFDs(fds []int) {
	for _, fd := range fds {
		if fd >= 0 {
			unix.Close(fd)
		}
	}
}
