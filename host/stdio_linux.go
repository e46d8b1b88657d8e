package host

import (
	"os"
	"sync"

	"golang.org/x/sys/unix"

	"github.com/linuxhcs/hcs/driver"
	"github.com/linuxhcs/hcs/hresult"
	"github.com/linuxhcs/hcs/schema"
)

// stdioSet is the host's side of a process's standard streams. Streams are unix stream
// socket pairs rather than pipes so that the service can end a stream on request
// (HcsModifyProcess CloseHandle) with shutdown(2), whatever copies of the caller's end
// exist: this is how HCS behaves, where the service keeps the handles it hands out
// (HcsGetProcessInfo returns them again). A caller signals end of input with CloseHandle
// StdIn; closing its own end alone is not enough while the service holds its duplicate.
//
// With a console, the process gets a pty slave as stdin, stdout and stderr; the caller gets
// the master as both StdInput and StdOutput (stderr arrives on it too).
type stdioSet struct {
	mu       sync.Mutex
	in       *os.File // duplicate of the caller's end of stdin
	out, err *os.File // duplicates of the caller's ends of stdout and stderr
	console  *os.File // pty master
}

// newStdio creates the streams params asks for and returns the host's side and the
// process's side. The caller must close the process's side once the driver has it.
func newStdio(params *schema.ProcessParameters) (*stdioSet, driver.Stdio, error) {
	st := &stdioSet{}
	var proc driver.Stdio
	var err error
	if params.EmulateConsole {
		st.console, proc.Console, err = openPty(params.ConsoleSize)
		return st, proc, err
	}
	type want struct {
		on         bool
		host, side **os.File
		input      bool
	}
	for _, w := range []want{
		{params.CreateStdInPipe, &st.in, &proc.Stdin, true},
		{params.CreateStdOutPipe, &st.out, &proc.Stdout, false},
		{params.CreateStdErrPipe, &st.err, &proc.Stderr, false},
	} {
		if !w.on {
			continue
		}
		if *w.host, *w.side, err = streamPair(w.input); err != nil {
			st.close()
			closeStdio(proc)
			return nil, driver.Stdio{}, err
		}
	}
	return st, proc, nil
}

// streamPair returns (caller end, process end) of a connected stream socket pair, made
// one-directional: for an input stream the process may only read, for an output stream only
// write.
func streamPair(input bool) (*os.File, *os.File, error) {
	fds, err := unix.Socketpair(unix.AF_UNIX, unix.SOCK_STREAM|unix.SOCK_CLOEXEC, 0)
	if err != nil {
		return nil, nil, hresult.Wrap(err, hresult.E_FAIL, "creating a stdio stream")
	}
	caller, proc := fds[0], fds[1]
	if input {
		unix.Shutdown(proc, unix.SHUT_WR)
		unix.Shutdown(caller, unix.SHUT_RD)
	} else {
		unix.Shutdown(proc, unix.SHUT_RD)
		unix.Shutdown(caller, unix.SHUT_WR)
	}
	return os.NewFile(uintptr(caller), "stdio"), os.NewFile(uintptr(proc), "stdio"), nil
}

// openPty opens a pseudo-terminal pair and applies the initial [height, width] size.
func openPty(size []uint16) (master, slave *os.File, err error) {
	mfd, err := unix.Open("/dev/ptmx", unix.O_RDWR|unix.O_NOCTTY|unix.O_CLOEXEC, 0)
	if err != nil {
		return nil, nil, hresult.Wrap(err, hresult.E_FAIL, "opening a console")
	}
	master = os.NewFile(uintptr(mfd), "ptmx")
	if err := unix.IoctlSetPointerInt(mfd, unix.TIOCSPTLCK, 0); err != nil {
		master.Close()
		return nil, nil, hresult.Wrap(err, hresult.E_FAIL, "unlocking a console")
	}
	sfd, _, errno := unix.Syscall(unix.SYS_IOCTL, uintptr(mfd), unix.TIOCGPTPEER, uintptr(unix.O_RDWR|unix.O_NOCTTY|unix.O_CLOEXEC))
	if errno != 0 {
		master.Close()
		return nil, nil, hresult.Wrap(errno, hresult.E_FAIL, "opening a console's terminal")
	}
	slave = os.NewFile(sfd, "pts")
	if len(size) == 2 {
		if err := setWinsize(master, size[0], size[1]); err != nil {
			master.Close()
			slave.Close()
			return nil, nil, err
		}
	}
	return master, slave, nil
}

func setWinsize(f *os.File, height, width uint16) error {
	ws := &unix.Winsize{Row: height, Col: width}
	if err := unix.IoctlSetWinsize(int(f.Fd()), unix.TIOCSWINSZ, ws); err != nil {
		return hresult.Wrap(err, hresult.E_FAIL, "setting the console size")
	}
	return nil
}

func closeStdio(s driver.Stdio) {
	for _, f := range []*os.File{s.Stdin, s.Stdout, s.Stderr, s.Console} {
		if f != nil {
			f.Close()
		}
	}
}

// callerFiles returns new duplicates of the caller's ends: (stdin, stdout, stderr).
func (st *stdioSet) callerFiles() (in, out, errf *os.File, err error) {
	st.mu.Lock()
	defer st.mu.Unlock()
	srcIn, srcOut, srcErr := st.in, st.out, st.err
	if st.console != nil {
		srcIn, srcOut = st.console, st.console
	}
	files := make([]*os.File, 3)
	for i, src := range []*os.File{srcIn, srcOut, srcErr} {
		if src == nil {
			continue
		}
		if files[i], err = dupFile(src); err != nil {
			for _, f := range files {
				if f != nil {
					f.Close()
				}
			}
			return nil, nil, nil, err
		}
	}
	return files[0], files[1], files[2], nil
}

func dupFile(f *os.File) (*os.File, error) {
	fd, err := unix.FcntlInt(f.Fd(), unix.F_DUPFD_CLOEXEC, 0)
	if err != nil {
		return nil, hresult.Wrap(err, hresult.E_FAIL, "duplicating a stdio handle")
	}
	return os.NewFile(uintptr(fd), f.Name()), nil
}

// closeHandle ends one stream (or all) for the process: end of input on stdin, a closed
// reader on stdout and stderr. On a console, closing StdIn sends the terminal's end-of-file
// character, which a reading process sees as end of input at the start of a line.
func (st *stdioSet) closeHandle(which schema.StdHandle) error {
	st.mu.Lock()
	defer st.mu.Unlock()
	all := which == schema.StdHandleAll
	if st.console != nil {
		if which == schema.StdHandleStdIn || all {
			if _, err := st.console.Write([]byte{4}); err != nil {
				return hresult.Wrap(err, hresult.E_FAIL, "closing console input")
			}
		}
		return nil
	}
	if (which == schema.StdHandleStdIn || all) && st.in != nil {
		unix.Shutdown(int(st.in.Fd()), unix.SHUT_WR)
	}
	if (which == schema.StdHandleStdOut || all) && st.out != nil {
		unix.Shutdown(int(st.out.Fd()), unix.SHUT_RD)
	}
	if (which == schema.StdHandleStdErr || all) && st.err != nil {
		unix.Shutdown(int(st.err.Fd()), unix.SHUT_RD)
	}
	return nil
}

// resize sets the console size. A process without a console gets E_INVALIDARG, naming the
// request that does not apply.
func (st *stdioSet) resize(height, width uint16) error {
	st.mu.Lock()
	defer st.mu.Unlock()
	if st.console == nil {
		return hresult.New(hresult.E_INVALIDARG, "$.ConsoleSize: the process has no console (EmulateConsole was not set)")
	}
	return setWinsize(st.console, height, width)
}

// close drops the host's duplicates.
func (st *stdioSet) close() {
	st.mu.Lock()
	defer st.mu.Unlock()
	for _, f := range []**os.File{&st.in, &st.out, &st.err, &st.console} {
		if *f != nil {
			(*f).Close()
			*f = nil
		}
	}
}
