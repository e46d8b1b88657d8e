package drivertest

import (
	"sync"
	"time"

	"github.com/linuxhcs/hcs/driver"
	"github.com/linuxhcs/hcs/schema"
)

// Recorder is a driver.Notifier that records every event, for the suite and for a
// driver's own tests. Waiting methods take a timeout so that a missing event fails a test
// instead of hanging it.
type Recorder struct {
	mu          sync.Mutex
	exits       []driver.Exit
	exited      chan struct{} // closed by the first Exited
	procs       map[uint32]*procExits
	crashes     []CrashEvent
	guestClosed int
}

// CrashEvent is one Crashed call.
type CrashEvent struct {
	Report    schema.CrashReport
	Completed bool
}

// procExits holds the exits reported for one pid.
type procExits struct {
	codes  []uint32
	exited chan struct{} // closed by the first exit
}

var _ driver.Notifier = (*Recorder)(nil)

// NewRecorder returns an empty Recorder.
func NewRecorder() *Recorder {
	return &Recorder{exited: make(chan struct{}), procs: make(map[uint32]*procExits)}
}

// Exited implements driver.Notifier.
func (r *Recorder) Exited(exit driver.Exit) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.exits = append(r.exits, exit)
	if len(r.exits) == 1 {
		close(r.exited)
	}
}

// ProcessExited implements driver.Notifier; it is also the OnExit of the processes the
// suite creates, so every exit of a pid is counted in one place.
func (r *Recorder) ProcessExited(pid uint32, exitCode uint32) {
	r.mu.Lock()
	defer r.mu.Unlock()
	pe := r.procLocked(pid)
	pe.codes = append(pe.codes, exitCode)
	if len(pe.codes) == 1 {
		close(pe.exited)
	}
}

// Crashed implements driver.Notifier.
func (r *Recorder) Crashed(report schema.CrashReport, completed bool) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.crashes = append(r.crashes, CrashEvent{Report: report, Completed: completed})
}

// GuestConnectionClosed implements driver.Notifier.
func (r *Recorder) GuestConnectionClosed() {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.guestClosed++
}

// procLocked returns the record for pid, creating it. r.mu must be held.
func (r *Recorder) procLocked(pid uint32) *procExits {
	pe := r.procs[pid]
	if pe == nil {
		pe = &procExits{exited: make(chan struct{})}
		r.procs[pid] = pe
	}
	return pe
}

// Exits returns every Exited report so far.
func (r *Recorder) Exits() []driver.Exit {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]driver.Exit(nil), r.exits...)
}

// ExitedC returns a channel that is closed when the first Exited arrives.
func (r *Recorder) ExitedC() <-chan struct{} { return r.exited }

// WaitExited waits up to timeout for the first Exited and returns its report.
func (r *Recorder) WaitExited(timeout time.Duration) (driver.Exit, bool) {
	if !waitClosed(r.exited, timeout) {
		return driver.Exit{}, false
	}
	return r.Exits()[0], true
}

// ProcessExits returns the exit codes reported for pid so far (one, normally).
func (r *Recorder) ProcessExits(pid uint32) []uint32 {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]uint32(nil), r.procLocked(pid).codes...)
}

// ProcessExitedC returns a channel that is closed when pid's first exit is reported.
func (r *Recorder) ProcessExitedC(pid uint32) <-chan struct{} {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.procLocked(pid).exited
}

// WaitProcessExited waits up to timeout for pid's exit and returns its exit code.
func (r *Recorder) WaitProcessExited(pid uint32, timeout time.Duration) (uint32, bool) {
	if !waitClosed(r.ProcessExitedC(pid), timeout) {
		return 0, false
	}
	return r.ProcessExits(pid)[0], true
}

// Pids returns every pid with at least one reported exit.
func (r *Recorder) Pids() []uint32 {
	r.mu.Lock()
	defer r.mu.Unlock()
	var pids []uint32
	for pid, pe := range r.procs {
		if len(pe.codes) > 0 {
			pids = append(pids, pid)
		}
	}
	return pids
}

// Crashes returns every Crashed event reported so far.
func (r *Recorder) Crashes() []CrashEvent {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]CrashEvent(nil), r.crashes...)
}

// GuestConnectionClosedCount returns how many times GuestConnectionClosed was called.
func (r *Recorder) GuestConnectionClosedCount() int {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.guestClosed
}

func waitClosed(c <-chan struct{}, timeout time.Duration) bool {
	t := time.NewTimer(timeout)
	defer t.Stop()
	select {
	case <-c:
		return true
	case <-t.C:
		return false
	}
}
