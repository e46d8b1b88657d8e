package fakedriver

import (
	"context"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"syscall"
	"time"

	"github.com/linuxhcs/hcs/driver"
	"github.com/linuxhcs/hcs/hresult"
)

// process is one host process started by CreateProcess. It implements driver.Process.
type process struct {
	cmd     *exec.Cmd
	pid     uint32
	image   string
	created time.Time
	done    chan struct{} // closed once the exit is reaped and reported
	onExit  func(pid uint32, exitCode uint32)
}

var _ driver.Process = (*process)(nil)

// CreateProcess implements driver.System. The process runs on the host in its own process
// group, or with a console in its own session with the console as controlling terminal.
// A command that cannot be started (a missing binary) fails here rather than exiting 127.
func (s *System) CreateProcess(ctx context.Context, req driver.ProcessRequest) (driver.Process, error) {
	if err := s.opts.run(ctx, OpCreateProcess, s.id); err != nil {
		return nil, err
	}
	cmd, err := command(req.Params, req.Stdio)
	if err != nil {
		return nil, err
	}
	p, err := s.start(cmd, req.OnExit)
	if err != nil || !s.opts.exitFirst {
		return p, err
	}
	select { // the exit is reported before the pid is returned
	case <-p.done:
		return p, nil
	case <-ctx.Done():
		return nil, ctx.Err()
	}
}

// start starts cmd as a process of the system and has its exit reaped and reported.
func (s *System) start(cmd *exec.Cmd, onExit func(pid, exitCode uint32)) (*process, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.state != stateRunning {
		return nil, s.stateErrorLocked(OpCreateProcess)
	}
	if err := cmd.Start(); err != nil {
		return nil, hresult.Wrap(err, 0, "fakedriver: create process")
	}
	p := &process{
		cmd:     cmd,
		pid:     uint32(cmd.Process.Pid),
		image:   filepath.Base(cmd.Path),
		created: time.Now(),
		done:    make(chan struct{}),
		onExit:  onExit,
	}
	s.procs[p.pid] = p
	go s.reap(p)
	return p, nil
}

// reap waits for p, forgets it and reports its exit. A process that exits at once is
// reported as soon as CreateProcess has released the lock, maybe before its caller has
// the pid: the host must cope with that, as with any driver.
func (s *System) reap(p *process) {
	_ = p.cmd.Wait()
	code := exitCode(p.cmd.ProcessState)
	s.mu.Lock()
	delete(s.procs, p.pid)
	s.mu.Unlock()
	if p.onExit != nil {
		p.onExit(p.pid, code)
	}
	close(p.done)
}

// exitCode returns the exit status, or 128+N for a process killed by signal N.
func exitCode(ps *os.ProcessState) uint32 {
	ws, ok := ps.Sys().(syscall.WaitStatus)
	if ok && ws.Signaled() {
		return 128 + uint32(ws.Signal())
	}
	return uint32(ps.ExitCode())
}

// Pid implements driver.Process.
func (p *process) Pid() uint32 { return p.pid }

// Signal implements driver.Process. It signals the process only, not its group.
func (p *process) Signal(_ context.Context, signal int) error {
	if signal < 1 || signal > 64 {
		return hresult.Errorf(hresult.ERROR_INVALID_DATA, "fakedriver: process %d: invalid signal %d", p.pid, signal)
	}
	return p.signal(syscall.Signal(signal))
}

// Kill implements driver.Process. It kills the process and the rest of its process group,
// so that no descendant keeps the process's stdio open.
func (p *process) Kill(context.Context) error {
	err := p.signal(syscall.SIGKILL)
	p.signalGroup(syscall.SIGKILL)
	return err
}

func (p *process) signal(sig syscall.Signal) error {
	err := p.cmd.Process.Signal(sig)
	if errors.Is(err, os.ErrProcessDone) {
		return hresult.Errorf(hresult.HCS_E_PROCESS_ALREADY_STOPPED, "fakedriver: process %d has exited", p.pid)
	}
	if err != nil {
		return hresult.Wrap(err, 0, "fakedriver: signal process")
	}
	return nil
}

// signalGroup sends sig to the process group p leads, unless p has been reaped (its group
// id could then be reused). Descendants left behind by a reaped process are not tracked.
func (p *process) signalGroup(sig syscall.Signal) {
	select {
	case <-p.done:
		return
	default:
	}
	_ = syscall.Kill(-int(p.pid), sig)
}
