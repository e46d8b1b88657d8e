package agent

import (
	"os"
	"time"

	"github.com/linuxhcs/hcs/agent/protocol"
	"golang.org/x/sys/unix"
)

const (
	// pollInterval is how often a shutdown checks whether every process is gone.
	pollInterval = 10 * time.Millisecond
	// killWait bounds the wait for processes to disappear after SIGKILL (a process in
	// uninterruptible sleep can take a while); the agent exits regardless afterwards.
	killWait = 10 * time.Second
)

// shutdown stops every process: SIGTERM, a wait of up to timeout for them to exit, then
// SIGKILL until none is left. New spawns are refused from the start. Concurrent and later
// calls wait for the first one and return its result.
func (a *Agent) shutdown(timeout time.Duration) protocol.ShutdownResult {
	a.shutOnce.Do(func() { a.shutRes = a.stopAll(timeout) })
	return a.shutRes
}

func (a *Agent) stopAll(timeout time.Duration) protocol.ShutdownResult {
	a.forkMu.Lock()
	a.stopping = true
	a.forkMu.Unlock()
	a.signalAll(unix.SIGTERM)
	if a.waitChildless(timeout) {
		return protocol.ShutdownResult{}
	}
	a.log.Printf("processes still running %v after SIGTERM: killing them", timeout)
	deadline := time.Now().Add(killWait)
	for !a.reap() && time.Now().Before(deadline) {
		a.signalAll(unix.SIGKILL)
		time.Sleep(pollInterval)
	}
	return protocol.ShutdownResult{Forced: true}
}

// waitChildless reaps until no child is left (true) or d has passed (false). Containers'
// inits ignore SIGTERM; once they are all that is left, the containers are deleted.
func (a *Agent) waitChildless(d time.Duration) bool {
	deadline := time.Now().Add(d)
	for {
		if a.reap() {
			return true
		}
		if a.onlyInitsLeft() {
			a.killContainers()
			continue
		}
		if !time.Now().Before(deadline) {
			return false
		}
		time.Sleep(pollInterval)
	}
}

// signalAll sends sig to every process the agent may stop. As pid 1 that is every other
// process of its pid namespace (kill(-1)). Otherwise it is only the agent's own
// descendants, found through /proc: kill(-1) from a process that is not pid 1 would reach
// every process of the user, far outside the agent's business.
func (a *Agent) signalAll(sig unix.Signal) {
	if unix.Getpid() == 1 {
		if err := unix.Kill(-1, sig); err != nil && err != unix.ESRCH {
			a.log.Printf("kill(-1, %v): %v", sig, err)
		}
		return
	}
	for _, pid := range descendants(procRoot, os.Getpid()) {
		unix.Kill(pid, sig)
	}
}
