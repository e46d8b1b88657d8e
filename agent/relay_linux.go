package agent

import (
	"context"
	"io"
	"os"

	"golang.org/x/sys/unix"

	"github.com/linuxhcs/hcs/agent/protocol"
	"github.com/linuxhcs/hcs/hresult"
)

// relayKey is the context key of a session's relay.
type relayKey struct{}

// withRelay returns ctx carrying the session's relay, for Spawn.
func withRelay(ctx context.Context, r *protocol.Relay) context.Context {
	return context.WithValue(ctx, relayKey{}, r)
}

// relayFrom returns the relay of the session a request came on, or nil.
func relayFrom(ctx context.Context) *protocol.Relay {
	r, _ := ctx.Value(relayKey{}).(*protocol.Relay)
	return r
}

// sendRelay queues a relay message on the session.
func (s *session) sendRelay(m *protocol.Message) error {
	if !s.out.Put(outMsg{m: m}) {
		return hresult.New(hresult.HCS_E_CONNECTION_CLOSED, "session closed")
	}
	return nil
}

// newRelayStdio makes the stdio of a process whose streams are relayed: pipes (or a
// pseudo-terminal) whose other ends the relay reads and writes once the process started.
// ptmx, when not "", is the pseudo-terminal multiplexer of the process's container.
func newRelayStdio(req *protocol.SpawnRequest, r *protocol.Relay, ptmx string) (*stdio, error) {
	if r == nil {
		return nil, hresult.New(hresult.E_INVALIDARG, "Spawn: Relay is only valid on a stream transport")
	}
	st := &stdio{console: -1}
	if req.EmulateConsole {
		return st, st.relayConsole(req, r, ptmx)
	}
	ids := []uint32{req.Relay.Stdin, req.Relay.Stdout, req.Relay.Stderr}
	for i, id := range ids {
		var err error
		if id == 0 {
			err = st.setNull(i)
		} else {
			err = st.relayPipe(i, id, r)
		}
		if err != nil {
			st.abort()
			return nil, err
		}
	}
	return st, nil
}

// relayPipe connects stream i of the process to relayed stream id through a pipe.
func (st *stdio) relayPipe(i int, id uint32, r *protocol.Relay) error {
	var p [2]int
	if err := unix.Pipe2(p[:], unix.O_CLOEXEC); err != nil {
		return hresult.Wrap(err, 0, "Spawn: pipe")
	}
	theirs, ours := p[0], p[1] // stdin: the process reads
	if i > 0 {
		theirs, ours = p[1], p[0]
	}
	st.owned = append(st.owned, theirs)
	st.files[i] = uintptr(theirs)
	unix.SetNonblock(ours, true)
	f := os.NewFile(uintptr(ours), "relay")
	st.onAbort = append(st.onAbort, func() { f.Close() })
	if i == 0 {
		st.onStart = append(st.onStart, func() { r.AddSink(id, f, nil) })
	} else {
		st.onStart = append(st.onStart, func() { r.AddSource(id, f) })
	}
	return nil
}

// relayConsole gives the process a new pseudo-terminal whose master the relay reads
// (stream Stdout) and writes (stream Stdin, which also carries resizes).
func (st *stdio) relayConsole(req *protocol.SpawnRequest, r *protocol.Relay, ptmx string) error {
	open := protocol.OpenPTY
	if ptmx != "" {
		open = func() (*os.File, *os.File, error) { return protocol.OpenPTYAt(ptmx) }
	}
	master, slave, err := open()
	if err != nil {
		return hresult.Wrap(err, 0, "Spawn: console")
	}
	fd, err := dupSlave(slave)
	if err != nil {
		master.Close()
		return err
	}
	if err := st.setConsole(fd, req.ConsoleSize); err != nil {
		master.Close()
		return err
	}
	st.onAbort = append(st.onAbort, func() { master.Close() })
	in, out := req.Relay.Stdin, req.Relay.Stdout
	st.onStart = append(st.onStart, func() {
		if in != 0 {
			r.AddSink(in, keepOpen{master}, func(h, w uint16) error {
				return unix.IoctlSetWinsize(int(fdOf(master)), unix.TIOCSWINSZ, &unix.Winsize{Row: h, Col: w})
			})
		}
		if out != 0 {
			r.AddSource(out, master)
		} else {
			go drain(master)
		}
	})
	return nil
}

// dupSlave returns a duplicate of the slave's descriptor and closes the file.
func dupSlave(slave *os.File) (int, error) {
	defer slave.Close()
	fd, err := unix.FcntlInt(fdOf(slave), unix.F_DUPFD_CLOEXEC, 0)
	if err != nil {
		return -1, hresult.Wrap(err, 0, "Spawn: console")
	}
	return fd, nil
}

// fdOf returns f's descriptor without changing its blocking mode.
func fdOf(f *os.File) uintptr {
	var fd uintptr
	if rc, err := f.SyscallConn(); err == nil {
		rc.Control(func(s uintptr) { fd = s })
	}
	return fd
}

// keepOpen is a writer whose Close does nothing: the console's input stream may end while
// its output goes on.
type keepOpen struct{ io.Writer }

func (keepOpen) Close() error { return nil }
