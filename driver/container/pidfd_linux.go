package container

import (
	"context"

	"golang.org/x/sys/unix"

	"github.com/linuxhcs/hcs/hresult"
)

// exitWatch tells when a process that is not our child exits, through a pidfd (the
// container's init is reparented away from us once the runtime returns).
type exitWatch struct {
	fd   int
	done chan struct{}
}

func watchExit(pid int) (*exitWatch, error) {
	fd, err := unix.PidfdOpen(pid, 0)
	if err != nil {
		return nil, hresult.Wrap(err, hresult.E_FAIL, "watching the container's init")
	}
	w := &exitWatch{fd: fd, done: make(chan struct{})}
	go w.wait()
	return w, nil
}

// wait blocks in poll until the pidfd becomes readable (the process exited).
func (w *exitWatch) wait() {
	defer close(w.done)
	defer unix.Close(w.fd)
	fds := []unix.PollFd{{Fd: int32(w.fd), Events: unix.POLLIN}}
	for {
		n, err := unix.Poll(fds, -1)
		if err == unix.EINTR {
			continue
		}
		if err != nil || n > 0 {
			return
		}
	}
}

// Wait blocks until the process exited or ctx ends.
func (w *exitWatch) Wait(ctx context.Context) error {
	select {
	case <-w.done:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}
