package container

import (
	"context"
	"sync"

	"golang.org/x/sys/unix"

	"github.com/linuxhcs/hcs/hresult"
)

// exitWatch follows a process that is not our child through a pidfd (the container's init is
// reparented away from us once the runtime returns): it tells when the process exits and
// signals it without any risk of hitting a reused pid.
type exitWatch struct {
	done chan struct{}
	// status is how the process ended, set before done is closed.
	status initExit
	// parentGone, when set, is closed once the runtime's intermediate process that was the
	// init's parent has been reaped (see watchStarted).
	parentGone chan struct{}

	mu       sync.Mutex
	fd       int
	exited   bool // poll saw the exit
	released bool // the owner no longer needs the descriptor
}

func watchExit(pid int) (*exitWatch, error) {
	return newExitWatch(pid, nil)
}

func newExitWatch(pid int, parentGone chan struct{}) (*exitWatch, error) {
	fd, err := unix.PidfdOpen(pid, 0)
	if err != nil {
		return nil, hresult.Wrap(err, hresult.E_FAIL, "watching the container's init")
	}
	w := &exitWatch{fd: fd, done: make(chan struct{}), parentGone: parentGone}
	go w.wait()
	return w, nil
}

// wait blocks in poll until the pidfd becomes readable (the process exited).
func (w *exitWatch) wait() {
	fds := []unix.PollFd{{Fd: int32(w.fd), Events: unix.POLLIN}}
	for {
		n, err := unix.Poll(fds, -1)
		if err == unix.EINTR {
			continue
		}
		if err != nil || n > 0 {
			break
		}
	}
	w.status = w.reapInit()
	w.mu.Lock()
	w.exited = true
	if w.released {
		unix.Close(w.fd)
	}
	w.mu.Unlock()
	close(w.done)
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

// signal sends sig to the process; a process that already exited is not an error.
func (w *exitWatch) signal(sig unix.Signal) error {
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.exited || w.released {
		return nil
	}
	if err := unix.PidfdSendSignal(w.fd, sig, nil, 0); err != nil && err != unix.ESRCH {
		return hresult.Wrap(err, hresult.E_FAIL, "signalling the container's init")
	}
	return nil
}

// release gives up the descriptor: closed now when the process exited, else by wait once
// it does (closing it under a running poll would be a race).
func (w *exitWatch) release() {
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.released {
		return
	}
	w.released = true
	if w.exited {
		unix.Close(w.fd)
	}
}
