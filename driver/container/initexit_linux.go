package container

import (
	"fmt"
	"unsafe"

	"golang.org/x/sys/unix"
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

// reap collects the exit status of the process behind pidfd, once it exited. A process that
// is not our child (ECHILD) gives an unknown status.
func reap(pidfd int) initExit {
	var ci childInfo
	for {
		err := unix.Waitid(unix.P_PIDFD, pidfd, (*unix.Siginfo)(unsafe.Pointer(&ci)), unix.WEXITED, nil)
		if err == unix.EINTR {
			continue
		}
		if err != nil {
			return initExit{}
		}
		break
	}
	switch ci.Code {
	case cldExited:
		return initExit{known: true, code: int(ci.Status)}
	case cldKilled, cldDumped:
		return initExit{known: true, signal: unix.Signal(ci.Status)}
	}
	return initExit{}
}
