package agent

import (
	"os"

	"golang.org/x/sys/unix"
)

// reapLoop reaps on every SIGCHLD until the agent exits.
func (a *Agent) reapLoop(chld <-chan os.Signal) {
	a.reap()
	for {
		select {
		case <-chld:
			a.reap()
		case <-a.exit:
			return
		}
	}
}

// reap collects every child that has exited (spawned processes and reparented orphans
// alike) and reports whether the agent has no child left. It is the only caller of wait4.
func (a *Agent) reap() (childless bool) {
	a.forkMu.Lock()
	defer a.forkMu.Unlock()
	for {
		var ws unix.WaitStatus
		pid, err := unix.Wait4(-1, &ws, unix.WNOHANG, nil)
		switch {
		case err == unix.EINTR:
			continue
		case err == unix.ECHILD:
			return true
		case err != nil:
			a.log.Printf("wait4: %v", err)
			return false
		case pid <= 0:
			return false
		}
		a.exited(pid, ws)
	}
}

// exited records the exit of a spawned process and notifies the host; exits of other
// children (orphans the agent inherited) are only reaped.
func (a *Agent) exited(pid int, ws unix.WaitStatus) {
	code, sig := exitCode(ws)
	a.mu.Lock()
	defer a.mu.Unlock()
	p := a.procs[pid]
	if p == nil {
		return
	}
	delete(a.procs, pid)
	p.release()
	ev := a.exits.add(pid, code, sig)
	if a.sess != nil {
		a.sess.notify(ev)
	}
}

// exitCode returns the exit status, or 128 plus the signal (and the signal) for a process a
// signal ended.
func exitCode(ws unix.WaitStatus) (code, sig int) {
	if ws.Signaled() {
		return 128 + int(ws.Signal()), int(ws.Signal())
	}
	return ws.ExitStatus(), 0
}
