package agent

import (
	"github.com/linuxhcs/hcs/agent/protocol"
	"github.com/linuxhcs/hcs/hresult"
	"golang.org/x/sys/unix"
)

// proc is a running process the agent spawned.
type proc struct {
	pid int
	// console is the agent's copy of the pty slave, kept for ResizeConsole; -1 without one.
	console int
}

// release closes what the agent holds for p; the caller holds Agent.mu.
func (p *proc) release() {
	if p.console >= 0 {
		unix.Close(p.console)
		p.console = -1
	}
}

// maxSignal is the largest signal number Linux knows (SIGRTMAX).
const maxSignal = 64

// signal sends sig to a running spawned process. Holding forkMu for reading keeps the reaper
// from reaping pid, so the pid cannot belong to another process by the time kill runs.
func (a *Agent) signal(pid, sig int) error {
	if sig < 0 || sig > maxSignal {
		return hresult.Errorf(hresult.E_INVALIDARG, "Signal: %d is not a signal number (0-%d)", sig, maxSignal)
	}
	a.forkMu.RLock()
	defer a.forkMu.RUnlock()
	a.mu.Lock()
	p := a.procs[pid]
	a.mu.Unlock()
	if p == nil {
		return stoppedErr(pid)
	}
	if err := unix.Kill(pid, unix.Signal(sig)); err != nil {
		if err == unix.ESRCH {
			return stoppedErr(pid)
		}
		return hresult.Wrap(err, 0, "Signal: kill")
	}
	return nil
}

// resizeConsole sets the window size of a process's console (TIOCSWINSZ on the slave,
// which also sends SIGWINCH to the terminal's foreground process group).
func (a *Agent) resizeConsole(pid int, height, width uint16) error {
	a.mu.Lock()
	defer a.mu.Unlock()
	p := a.procs[pid]
	if p == nil {
		return stoppedErr(pid)
	}
	if p.console < 0 {
		return hresult.Errorf(hresult.E_INVALIDARG, "ResizeConsole: process %d has no console", pid)
	}
	ws := &unix.Winsize{Row: height, Col: width}
	if err := unix.IoctlSetWinsize(p.console, unix.TIOCSWINSZ, ws); err != nil {
		return hresult.Wrap(err, 0, "ResizeConsole: TIOCSWINSZ")
	}
	return nil
}

func stoppedErr(pid int) error {
	return hresult.Errorf(hresult.HCS_E_PROCESS_ALREADY_STOPPED,
		"process %d has exited or was not started by the agent", pid)
}

// markSpawned flags the processes of ps that the agent spawned (and has not reaped).
func (a *Agent) markSpawned(ps []protocol.ProcessInfo) {
	a.mu.Lock()
	defer a.mu.Unlock()
	for i := range ps {
		_, ps[i].Spawned = a.procs[ps[i].Pid]
	}
}
