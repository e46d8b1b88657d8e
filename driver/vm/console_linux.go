package vm

import (
	"os"
	"sync"
	"time"

	"golang.org/x/sys/unix"

	"github.com/linuxhcs/hcs/agent/protocol"
	"github.com/linuxhcs/hcs/hresult"
)

// consoleKeep is how much of the guest's console the driver keeps for crash reports.
const consoleKeep = 64 << 10

// sizePoll is how often a relayed console's host terminal is checked for a new size when
// no input arrives.
const sizePoll = 200 * time.Millisecond

// consoleRelay is the host side of a process's console: the host's pty slave, in raw mode,
// relayed to a pty in the guest. A size set on the host's terminal reaches the guest's
// before any input typed after it.
type consoleRelay struct {
	c       *protocol.Client
	in, out *os.File // duplicates of the host's pty slave
	done    chan struct{}
	once    sync.Once

	mu     sync.Mutex
	size   [2]uint16 // rows, columns last sent
	stream uint32    // the guest console's input stream, once started
}

func newConsoleRelay(c *protocol.Client, slave *os.File) (*consoleRelay, error) {
	in, err := dupNonblock(slave)
	if err != nil {
		return nil, err
	}
	out, err := dupNonblock(slave)
	if err != nil {
		in.Close()
		return nil, err
	}
	if err := makeRaw(int(fdOf(in))); err != nil {
		in.Close()
		out.Close()
		return nil, hresult.Wrap(err, hresult.E_INVALIDARG, "process console")
	}
	cr := &consoleRelay{c: c, in: in, out: out, done: make(chan struct{})}
	cr.size = cr.hostSize()
	return cr, nil
}

// stdio returns the relay's ends: input read from the host terminal, output written to it.
func (cr *consoleRelay) stdio() protocol.RelayedStdio {
	return protocol.RelayedStdio{Stdin: consoleInput{cr}, Stdout: consoleOutput{cr}}
}

// started records the guest console's input stream and starts watching the size.
func (cr *consoleRelay) started(stream uint32) {
	cr.mu.Lock()
	cr.stream = stream
	cr.mu.Unlock()
	go cr.poll()
}

func (cr *consoleRelay) poll() {
	t := time.NewTicker(sizePoll)
	defer t.Stop()
	for {
		select {
		case <-cr.done:
			return
		case <-t.C:
			cr.checkSize()
		}
	}
}

// hostSize reads the host terminal's size.
func (cr *consoleRelay) hostSize() [2]uint16 {
	ws, err := unix.IoctlGetWinsize(int(fdOf(cr.in)), unix.TIOCGWINSZ)
	if err != nil {
		return [2]uint16{}
	}
	return [2]uint16{ws.Row, ws.Col}
}

// checkSize forwards a changed host terminal size.
func (cr *consoleRelay) checkSize() {
	size := cr.hostSize()
	cr.mu.Lock()
	changed := size != cr.size && cr.stream != 0
	if changed {
		cr.size = size
	}
	stream := cr.stream
	cr.mu.Unlock()
	if changed {
		cr.c.ResizeRelayedConsole(stream, size[0], size[1])
	}
}

// resize sets the guest terminal's size explicitly.
func (cr *consoleRelay) resize(height, width uint16) error {
	cr.mu.Lock()
	cr.size = [2]uint16{height, width}
	stream := cr.stream
	cr.mu.Unlock()
	return cr.c.ResizeRelayedConsole(stream, height, width)
}

// close ends the relay once the guest's output ended: the host terminal is let go.
func (cr *consoleRelay) close() {
	cr.once.Do(func() {
		close(cr.done)
		cr.in.Close()
		cr.out.Close()
	})
}

// consoleInput reads the host terminal, forwarding a new size before the bytes.
type consoleInput struct{ cr *consoleRelay }

func (i consoleInput) Read(p []byte) (int, error) {
	n, err := i.cr.in.Read(p)
	if n > 0 {
		i.cr.checkSize()
	}
	return n, err
}

func (i consoleInput) Close() error { return nil }

// consoleOutput writes the guest's output to the host terminal.
type consoleOutput struct{ cr *consoleRelay }

func (o consoleOutput) Write(p []byte) (int, error) { return o.cr.out.Write(p) }

func (o consoleOutput) Close() error {
	o.cr.close()
	return nil
}

// makeRaw puts a terminal in raw mode, as cfmakeraw does.
func makeRaw(fd int) error {
	t, err := unix.IoctlGetTermios(fd, unix.TCGETS)
	if err != nil {
		return err
	}
	t.Iflag &^= unix.IGNBRK | unix.BRKINT | unix.PARMRK | unix.ISTRIP | unix.INLCR | unix.IGNCR | unix.ICRNL | unix.IXON
	t.Oflag &^= unix.OPOST
	t.Lflag &^= unix.ECHO | unix.ECHONL | unix.ICANON | unix.ISIG | unix.IEXTEN
	t.Cflag &^= unix.CSIZE | unix.PARENB
	t.Cflag |= unix.CS8
	t.Cc[unix.VMIN], t.Cc[unix.VTIME] = 1, 0
	return unix.IoctlSetTermios(fd, unix.TCSETS, t)
}

// fdOf returns f's descriptor without changing its blocking mode.
func fdOf(f *os.File) uintptr {
	var fd uintptr
	if rc, err := f.SyscallConn(); err == nil {
		rc.Control(func(s uintptr) { fd = s })
	}
	return fd
}
