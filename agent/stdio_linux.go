package agent

import (
	"io"
	"os"

	"github.com/linuxhcs/hcs/agent/protocol"
	"github.com/linuxhcs/hcs/hresult"
	"golang.org/x/sys/unix"
)

// stdio holds the descriptors that become a new process's 0, 1 and 2.
type stdio struct {
	files [3]uintptr
	// owned are closed in the agent once the process has started (or failed to).
	owned []int
	// drains are read ends of discard pipes, drained once the process has started.
	drains []int
	// console is the pty slave, kept by the agent for ResizeConsole; -1 without a console.
	console int
	// onStart and onAbort run once the process started, or when the spawn failed.
	onStart, onAbort []func()
}

// newStdio takes ownership of fds and arranges them as the request describes.
func newStdio(req *protocol.SpawnRequest, fds []int) (*stdio, error) {
	st := &stdio{console: -1}
	if want := req.FDCount(); len(fds) != want {
		protocol.CloseFDs(fds)
		return nil, hresult.Errorf(hresult.E_INVALIDARG,
			"Spawn: %d file descriptors received, the request announces %d", len(fds), want)
	}
	if req.EmulateConsole {
		return st, st.setConsole(fds[0], req.ConsoleSize)
	}
	st.owned = append(st.owned, fds...)
	for _, fd := range fds {
		blocking(fd)
	}
	want := []bool{req.Stdin, req.Stdout, req.Stderr}
	for i := range st.files {
		if want[i] {
			st.files[i], fds = uintptr(fds[0]), fds[1:]
		} else if err := st.setNull(i); err != nil {
			st.abort()
			return nil, err
		}
	}
	return st, nil
}

// setConsole makes the pty slave fd the process's terminal and stdio, at size [h, w].
func (st *stdio) setConsole(fd int, size [2]uint16) error {
	st.console = fd
	blocking(fd)
	if _, err := unix.IoctlGetTermios(fd, unix.TCGETS); err != nil {
		st.abort()
		return hresult.Wrap(err, hresult.E_INVALIDARG, "Spawn: the console descriptor is not a terminal")
	}
	if size[0] != 0 || size[1] != 0 {
		ws := &unix.Winsize{Row: size[0], Col: size[1]}
		if err := unix.IoctlSetWinsize(fd, unix.TIOCSWINSZ, ws); err != nil {
			st.abort()
			return hresult.Wrap(err, 0, "Spawn: set ConsoleSize")
		}
	}
	st.files = [3]uintptr{uintptr(fd), uintptr(fd), uintptr(fd)}
	return nil
}

// setNull connects stream i to /dev/null, or, where the container has none, to a pipe: for
// stdin one whose write end is closed (immediate end of file), for output one the agent
// drains and discards.
func (st *stdio) setNull(i int) error {
	fd, err := unix.Open("/dev/null", unix.O_RDWR|unix.O_CLOEXEC|unix.O_NOCTTY, 0)
	if err == nil {
		st.owned = append(st.owned, fd)
		st.files[i] = uintptr(fd)
		return nil
	}
	var p [2]int
	if err := unix.Pipe2(p[:], unix.O_CLOEXEC); err != nil {
		return hresult.Wrap(err, 0, "Spawn: no /dev/null and no pipe")
	}
	if i == 0 {
		unix.Close(p[1])
		st.owned = append(st.owned, p[0])
		st.files[i] = uintptr(p[0])
		return nil
	}
	st.owned = append(st.owned, p[1])
	st.drains = append(st.drains, p[0])
	st.files[i] = uintptr(p[1])
	return nil
}

// blocking clears O_NONBLOCK on a received descriptor. Programs expect blocking stdio, but
// a Go host's pipe ends are non-blocking (its runtime polls them), and the flag belongs to
// the open file, which the process would share. Only the process's end is affected: the
// host keeps the other end of the pipe, a different open file.
func blocking(fd int) {
	unix.SetNonblock(fd, false)
}

// keepConsole hands the console descriptor over to the process record.
func (st *stdio) keepConsole() int {
	fd := st.console
	st.console = -1
	return fd
}

// started closes the agent's copies of the process's stdio and starts the drains.
func (st *stdio) started() {
	protocol.CloseFDs(st.owned)
	for _, fd := range st.drains {
		unix.SetNonblock(fd, true)
		go drain(os.NewFile(uintptr(fd), "discard"))
	}
	st.owned, st.drains = nil, nil
	for _, f := range st.onStart {
		f()
	}
	st.onStart, st.onAbort = nil, nil
}

// abort closes everything after a failed spawn.
func (st *stdio) abort() {
	protocol.CloseFDs(st.owned)
	protocol.CloseFDs(st.drains)
	if st.console >= 0 {
		unix.Close(st.console)
	}
	st.owned, st.drains, st.console = nil, nil, -1
	for _, f := range st.onAbort {
		f()
	}
	st.onStart, st.onAbort = nil, nil
}

// drain reads f to its end, discarding the bytes, then closes it.
func drain(f *os.File) {
	io.Copy(io.Discard, f)
	f.Close()
}
