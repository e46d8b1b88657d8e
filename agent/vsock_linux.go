package agent

import (
	"context"
	"fmt"
	"os"
	"strconv"
	"time"

	"golang.org/x/sys/unix"

	"github.com/linuxhcs/hcs/agent/protocol"
)

// TransportVsock is the Config.Transport prefix of vsock: "vsock:PORT" listens on that
// port of the guest's vsock address (the host connects to the guest's CID).
const TransportVsock = "vsock:"

// vsockListener is a listening vsock socket; each connection from the host is a session.
type vsockListener struct {
	f *os.File
}

// listenVsock listens on port (a decimal number) for any CID.
func listenVsock(port string) (*vsockListener, error) {
	n, err := strconv.ParseUint(port, 10, 32)
	if err != nil {
		return nil, fmt.Errorf("vsock port %q: %w", port, err)
	}
	fd, err := unix.Socket(unix.AF_VSOCK, unix.SOCK_STREAM|unix.SOCK_CLOEXEC|unix.SOCK_NONBLOCK, 0)
	if err != nil {
		return nil, fmt.Errorf("vsock socket: %w", err)
	}
	if err := unix.Bind(fd, &unix.SockaddrVM{CID: unix.VMADDR_CID_ANY, Port: uint32(n)}); err != nil {
		unix.Close(fd)
		return nil, fmt.Errorf("vsock bind to port %d: %w", n, err)
	}
	if err := unix.Listen(fd, 4); err != nil {
		unix.Close(fd)
		return nil, fmt.Errorf("vsock listen: %w", err)
	}
	return &vsockListener{f: os.NewFile(uintptr(fd), "vsock")}, nil
}

// serve accepts connections until the agent exits; the one accepted last is the session.
func (l *vsockListener) serve(a *Agent) {
	go func() {
		<-a.exit
		l.f.Close()
	}()
	for seq := uint64(1); ; seq++ {
		c, err := l.accept()
		if err != nil {
			select {
			case <-a.exit:
				return
			default:
			}
			a.log.Printf("vsock accept: %v", err)
			time.Sleep(50 * time.Millisecond)
			continue
		}
		go a.serveVsock(c, seq)
	}
}

// accept waits for a connection with the runtime's poller.
func (l *vsockListener) accept() (*os.File, error) {
	rc, err := l.f.SyscallConn()
	if err != nil {
		return nil, err
	}
	var nfd int
	var aerr error
	err = rc.Read(func(fd uintptr) bool {
		nfd, _, aerr = unix.Accept4(int(fd), unix.SOCK_CLOEXEC|unix.SOCK_NONBLOCK)
		return aerr != unix.EAGAIN
	})
	if err != nil {
		return nil, err
	}
	if aerr != nil {
		return nil, aerr
	}
	return os.NewFile(uintptr(nfd), "vsock-conn"), nil
}

// serveVsock runs one session on a connection.
func (a *Agent) serveVsock(c *os.File, seq uint64) {
	ctx, cancel := context.WithTimeout(context.Background(), handshakeTimeout)
	err := protocol.StartStreamSession(ctx, c)
	cancel()
	if err != nil {
		a.log.Printf("vsock session: %v", err)
		c.Close()
		return
	}
	c.SetDeadline(time.Time{})
	a.serveConn(protocol.NewStreamConn(c, c.Close), seq, func() {})
}
