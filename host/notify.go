package host

import (
	"github.com/linuxhcs/hcs/driver"
	"github.com/linuxhcs/hcs/schema"
	"github.com/linuxhcs/hcs/wire"
)

// notifier receives a driver's reports about one system.
type notifier struct{ s *system }

var _ driver.Notifier = (*notifier)(nil)

// Exited tears the system down on a goroutine of its own: the driver may be calling from a
// path that its own Close would wait for. A report after the host closed is dropped: the
// next service start recovers the system's state.
func (n *notifier) Exited(exit driver.Exit) {
	status := schema.SystemExitStatus{Status: exit.Status, ExitType: unrequestedExitType(exit.Cause), Attribution: exit.Attribution}
	n.s.h.tasks.start(func() { n.s.markStopped(status) })
}

// ProcessExited records the exit of a process from before a service restart at once,
// keeping the driver's order of reports.
func (n *notifier) ProcessExited(pid uint32, exitCode uint32) {
	n.s.recoveredProcessExited(schema.ProcessStatus{ProcessId: pid, Exited: true, ExitCode: exitCode})
}

// Crashed forwards crash reports to every handle of the system.
func (n *notifier) Crashed(report schema.CrashReport, completed bool) {
	t := wire.EventSystemCrashInitiated
	if completed {
		t = wire.EventSystemCrashReport
	}
	n.s.emitAll(t, mustJSON(report))
}

// GuestConnectionClosed tells every handle the guest agent connection dropped.
func (n *notifier) GuestConnectionClosed() {
	n.s.emitAll(wire.EventSystemGuestConnectionClosed, "")
}

func (s *system) emitAll(t wire.EventType, data string) {
	for _, k := range s.handleKeys() {
		k.emit(t, data)
	}
}
