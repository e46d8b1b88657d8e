package vm

import (
	"os/exec"
	"sync"

	"golang.org/x/sys/unix"
)

// qemuProcess is a running QEMU: our child, or one adopted after a restart of the service,
// watched through a pidfd (which never signals a reused pid).
type qemuProcess struct {
	cmd   *exec.Cmd // nil for an adopted QEMU
	pid   int
	start uint64        // start time in clock ticks
	done  chan struct{} // closed once QEMU exited (and, for a child, was reaped)

	mu    sync.Mutex
	pidfd int // -1 for a child, and once the adopted QEMU exited
}

// adoptQEMU watches a QEMU that is not our child.
func adoptQEMU(pid int, start uint64) (*qemuProcess, error) {
	fd, err := unix.PidfdOpen(pid, 0)
	if err != nil {
		return nil, err
	}
	return &qemuProcess{pid: pid, start: start, done: make(chan struct{}), pidfd: fd}, nil
}

// wait blocks until QEMU exited.
func (p *qemuProcess) wait() {
	if p.cmd != nil {
		p.cmd.Wait()
		return
	}
	fds := []unix.PollFd{{Fd: int32(p.pidfd), Events: unix.POLLIN}}
	for {
		n, err := unix.Poll(fds, -1)
		if err != unix.EINTR && (err != nil || n > 0) {
			break
		}
	}
	p.mu.Lock()
	unix.Close(p.pidfd)
	p.pidfd = -1
	p.mu.Unlock()
}

// kill sends SIGKILL to QEMU unless it already exited.
func (p *qemuProcess) kill() {
	if p.cmd != nil {
		p.cmd.Process.Kill()
		return
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.pidfd >= 0 {
		unix.PidfdSendSignal(p.pidfd, unix.SIGKILL, nil, 0)
	}
}
