package container

import (
	"fmt"
	"os"
	"strconv"
	"time"
	"unsafe"

	"golang.org/x/sys/unix"

	"github.com/linuxhcs/hcs/internal/procfs"
)

// initExit is how the container's init ended, as far as the driver could learn it: the exit
// status is only known while the init is a child of this process (see New), that is for
// containers started by this service instance.
type initExit struct {
	known  bool
	code   int         // the exit code, when it exited
	signal unix.Signal // the signal that killed it, else 0
}

func (e initExit) String() string {
	switch {
	case !e.known:
		return "its exit status is unknown"
	case e.signal != 0:
		return fmt.Sprintf("killed by signal %d (%s)", int(e.signal), unix.SignalName(e.signal))
	default:
		return fmt.Sprintf("exited with code %d", e.code)
	}
}

// childInfo is the kernel's siginfo for SIGCHLD (si_pid, si_uid, si_status after the common
// header), which unix.Siginfo leaves opaque.
type childInfo struct {
	Signo, Errno, Code, _ int32
	Pid                   int32
	UID                   uint32
	Status                int32
	_                     [100]byte
}

// The si_code values of a child's exit (CLD_EXITED, CLD_KILLED, CLD_DUMPED).
const (
	cldExited = 1
	cldKilled = 2
	cldDumped = 3
)

// reparentWait bounds the wait for an init that died under the runtime's intermediate
// process to become our child, so that its status can be read and it does not stay a zombie.
const reparentWait = 5 * time.Second

// watchStarted is watchExit for an init the runtime has just started. A runtime that
// detaches through an intermediate process of its own (crun) leaves the init that process's
// child for a moment; with the runtime gone, the intermediate is ours (see New): it is
// reaped when it exits (or by reapStrays, when it has already exited), and the init,
// reparented to us then, is reaped by its watch.
func watchStarted(pid int, runtimePath string) (*exitWatch, error) {
	parent, ok := intermediateOf(pid)
	reapStrays(runtimePath) // after intermediateOf: one that died meanwhile is a zombie now
	if !ok {
		return newExitWatch(pid, nil)
	}
	gone := make(chan struct{})
	go func() {
		defer close(gone)
		defer unix.Close(parent)
		waitChild(parent)
	}()
	return newExitWatch(pid, gone)
}

// intermediateOf opens a pidfd to pid's parent when that is not this process. The parent is
// read again after the open, so the descriptor cannot name a process that reused its pid.
func intermediateOf(pid int) (int, bool) {
	ppid := parentOf(pid)
	if ppid <= 1 || ppid == os.Getpid() {
		return 0, false
	}
	fd, err := unix.PidfdOpen(ppid, 0)
	if err != nil {
		return 0, false
	}
	if parentOf(pid) != ppid {
		unix.Close(fd)
		return 0, false
	}
	return fd, true
}

// parentOf returns pid's parent pid, 0 when pid is gone.
func parentOf(pid int) int {
	f := procfs.StatFields(pid)
	if len(f) < 2 {
		return 0
	}
	ppid, _ := strconv.Atoi(f[1])
	return ppid
}

// reapInit collects the init's exit status once it exited. An init that died while the
// runtime's intermediate process was its parent becomes our child when that one is gone.
func (w *exitWatch) reapInit() initExit {
	st, err := waitChild(w.fd)
	if err == unix.ECHILD && w.parentGone != nil {
		select {
		case <-w.parentGone:
		case <-time.After(reparentWait):
		}
		st, err = waitChild(w.fd)
	}
	if err != nil {
		return initExit{}
	}
	return st
}

// waitChild waits for the child behind pidfd to exit, reaps it and returns its status. A
// process that is not our child fails with ECHILD at once.
func waitChild(pidfd int) (initExit, error) {
	var ci childInfo
	for {
		err := unix.Waitid(unix.P_PIDFD, pidfd, (*unix.Siginfo)(unsafe.Pointer(&ci)), unix.WEXITED, nil)
		if err == unix.EINTR {
			continue
		}
		if err != nil {
			return initExit{}, err
		}
		break
	}
	switch ci.Code {
	case cldExited:
		return initExit{known: true, code: int(ci.Status)}, nil
	case cldKilled, cldDumped:
		return initExit{known: true, signal: unix.Signal(ci.Status)}, nil
	}
	return initExit{}, nil
}
