package host

import (
	"context"
	"os"

	"github.com/linuxhcs/hcs/driver"
	"github.com/linuxhcs/hcs/hresult"
	"github.com/linuxhcs/hcs/schema"
)

// closeTimeout bounds the driver's release of a stopped system's resources.
const closeTimeout = 2 * rollbackTimeout

// finishStop records the stop a lifecycle call caused (unless the driver already reported
// it) and waits until the system's resources are released.
func (s *system) finishStop() {
	s.markStopped(schema.SystemExitStatus{})
	<-s.closed
}

// unrequestedExitType is the exit type of a system that stopped without a caller asking:
// a guest that powered itself off ended gracefully; any other end was unexpected.
func unrequestedExitType(cause driver.ExitCause) schema.NotificationType {
	if cause == driver.ExitPoweredOff {
		return schema.NotificationTypeGracefulExit
	}
	return schema.NotificationTypeUnexpectedExit
}

// markStopped moves the system to Stopped exactly once: it releases the driver's resources,
// ends the processes still listed, and only then tells every handle (SystemExited), so a
// client that sees the event can rely on the system being gone. The exit type is the one
// implied by the stop a caller asked for, else the one status carries, else
// UnexpectedExit.
func (s *system) markStopped(status schema.SystemExitStatus) {
	s.mu.Lock()
	if s.state == schema.StateStopped {
		s.mu.Unlock()
		<-s.closed
		return
	}
	if s.stopRequested != "" {
		status.ExitType = s.stopRequested
		if s.stopStatus != 0 {
			status.Status = s.stopStatus.Int32()
		}
	}
	if status.ExitType == "" {
		status.ExitType = schema.NotificationTypeUnexpectedExit
	}
	s.state = schema.StateStopped
	s.exit = &status
	s.mu.Unlock()

	ctx, cancel := context.WithTimeout(context.Background(), closeTimeout)
	defer cancel()
	s.closeDriver(ctx)
	s.endProcesses()
	data := mustJSON(status)
	for _, k := range s.handleKeys() {
		k.emit(eventSystemExited, data)
	}
	s.mu.Lock()
	unreferenced := len(s.handles) == 0
	s.mu.Unlock()
	if unreferenced {
		s.h.forget(s)
	}
}

// closeDriver releases the system's resources once and removes its state directory.
func (s *system) closeDriver(ctx context.Context) {
	s.closeOnce.Do(func() {
		defer close(s.closed)
		if s.ds != nil {
			if err := s.ds.Close(ctx); err != nil {
				s.h.log.Error("releasing compute system resources failed", "id", s.id, "err", err)
			}
			stepCloseDriverClosed.Reach()
		}
		if s.stateDir != "" {
			os.RemoveAll(s.stateDir)
		}
	})
}

// endProcesses reports every process that has not exited as ended with the system. Its exit
// code is unknown, so LastWaitResult carries HCS_E_TERMINATED and ExitCode is not
// meaningful (clients treat it as -1).
func (s *system) endProcesses() {
	for _, p := range s.liveProcesses() {
		p.exited(schema.ProcessStatus{ProcessId: p.pid, Exited: true, LastWaitResult: hresult.HCS_E_TERMINATED.Int32()})
	}
}
