package vm

import (
	"context"
	"os"
	"syscall"

	"golang.org/x/sys/unix"

	"github.com/linuxhcs/hcs/agent/protocol"
	"github.com/linuxhcs/hcs/driver"
	"github.com/linuxhcs/hcs/driver/agentsession"
	"github.com/linuxhcs/hcs/hresult"
	"github.com/linuxhcs/hcs/internal/fdconn"
	"github.com/linuxhcs/hcs/schema"
)

// Process is a process the agent started in the guest.
type Process struct {
	s   *System
	pid int
	// console is the host side of a relayed console, nil without one.
	console *consoleRelay
}

var (
	_ driver.Process        = (*Process)(nil)
	_ driver.ConsoleResizer = (*Process)(nil)
)

// CreateProcess asks the guest agent to start a process. Its stdio is relayed over the
// agent's connection: the driver keeps duplicates of the host's pipe ends (or of the pty
// slave, put in raw mode, so the guest's terminal alone interprets the bytes).
func (s *System) CreateProcess(ctx context.Context, preq driver.ProcessRequest) (driver.Process, error) {
	sess, err := s.agentSession()
	if err != nil {
		return nil, err
	}
	c, p, stdio := sess.Client(), preq.Params, preq.Stdio
	req := protocol.SpawnRequest{
		CommandArgs: p.CommandArgs, CommandLine: p.CommandLine, Environment: p.Environment,
		WorkingDirectory: p.WorkingDirectory, User: p.User,
	}
	var std protocol.RelayedStdio
	var cr *consoleRelay
	if stdio.Console != nil {
		req.EmulateConsole = true
		if cr, err = newConsoleRelay(c, stdio.Console); err != nil {
			return nil, err
		}
		req.ConsoleSize = consoleSize(p, cr.size)
		std = cr.stdio()
	} else if std, err = pipeStdio(stdio); err != nil {
		return nil, err
	}
	pid, inStream, err := sess.SpawnRelayed(ctx, req, std, agentsession.Sink(preq.OnExit))
	if err != nil {
		return nil, err
	}
	if cr != nil {
		cr.started(inStream)
	}
	return &Process{s: s, pid: pid, console: cr}, nil
}

// consoleSize is the initial size: the document's, else the host terminal's.
func consoleSize(p *schema.ProcessParameters, size [2]uint16) [2]uint16 {
	if len(p.ConsoleSize) == 2 {
		return [2]uint16{p.ConsoleSize[0], p.ConsoleSize[1]}
	}
	return size
}

// pipeStdio duplicates the pipe ends the host handed over, non-blocking (their reads and
// writes then honour the runtime's poller).
func pipeStdio(stdio driver.Stdio) (protocol.RelayedStdio, error) {
	var std protocol.RelayedStdio
	var err error
	var in, out, errf *os.File
	if stdio.Stdin != nil {
		if in, err = dupNonblock(stdio.Stdin); err != nil {
			return std, err
		}
		std.Stdin = in
	}
	if stdio.Stdout != nil {
		if out, err = dupNonblock(stdio.Stdout); err != nil {
			closeIf(in)
			return std, err
		}
		std.Stdout = out
	}
	if stdio.Stderr != nil {
		if errf, err = dupNonblock(stdio.Stderr); err != nil {
			closeIf(in)
			closeIf(out)
			return protocol.RelayedStdio{}, err
		}
		std.Stderr = errf
	}
	return std, nil
}

func closeIf(f *os.File) {
	if f != nil {
		f.Close()
	}
}

// dupNonblock returns a non-blocking duplicate of f.
func dupNonblock(f *os.File) (*os.File, error) {
	fd, err := fdconn.DupFD(f)
	if err != nil {
		return nil, hresult.Wrap(err, hresult.E_FAIL, "process stdio")
	}
	// Non-blocking before os.NewFile, which then hands the descriptor to the poller: set
	// afterwards (through Fd, which makes it blocking again) it would not be.
	unix.SetNonblock(fd, true)
	return os.NewFile(uintptr(fd), f.Name()), nil
}

// Pid implements driver.Process.
func (p *Process) Pid() uint32 { return uint32(p.pid) }

// Signal implements driver.Process.
func (p *Process) Signal(ctx context.Context, signal int) error {
	sess, err := p.s.agentSession()
	if err != nil {
		return err
	}
	return sess.Signal(ctx, p.pid, signal)
}

// Kill implements driver.Process.
func (p *Process) Kill(ctx context.Context) error { return p.Signal(ctx, int(syscall.SIGKILL)) }

// ResizeConsole implements driver.ConsoleResizer: the guest's terminal gets the size.
func (p *Process) ResizeConsole(ctx context.Context, height, width uint16) error {
	if p.console == nil {
		return hresult.Errorf(hresult.E_INVALIDARG, "process %d has no console", p.pid)
	}
	return p.console.resize(height, width)
}
