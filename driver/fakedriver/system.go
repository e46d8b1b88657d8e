package fakedriver

import (
	"context"
	"fmt"
	"slices"
	"sync"
	"syscall"
	"time"

	"github.com/linuxhcs/hcs/driver"
	"github.com/linuxhcs/hcs/hresult"
	"github.com/linuxhcs/hcs/schema"
)

// state is where a fake system is in its life.
type state int

const (
	stateCreated state = iota
	stateRunning
	statePaused
	stateStopping // Shutdown, Terminate, Crash or Die is taking the processes down
	stateStopped
)

var stateNames = [...]string{"Created", "Running", "Paused", "Stopping", "Stopped"}

func (st state) String() string { return stateNames[st] }

// System is one fake compute system. It implements driver.System.
type System struct {
	id       string
	notify   driver.Notifier
	opts     *options
	exitOnce sync.Once

	mu         sync.Mutex
	state      state
	startedAt  time.Time
	procs      map[uint32]*process // live processes, by pid
	memoryMB   uint64
	closeCalls int
}

var _ driver.System = (*System)(nil)

func newSystem(req driver.CreateRequest, opts *options) *System {
	s := &System{id: req.ID, notify: req.Notify, opts: opts, procs: make(map[uint32]*process)}
	if c := req.Config.Container; c != nil && c.Memory != nil {
		s.memoryMB = c.Memory.SizeInMB
	}
	return s
}

// ID returns the compute-system id.
func (s *System) ID() string { return s.id }

// State returns the system's state name: Created, Running, Paused, Stopping or Stopped.
func (s *System) State() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.state.String()
}

// Closed reports whether Close was called.
func (s *System) Closed() bool { return s.CloseCalls() > 0 }

// CloseCalls returns how many times Close was called.
func (s *System) CloseCalls() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.closeCalls
}

// MemorySizeInMB returns the memory size from the configuration or the last Modify.
func (s *System) MemorySizeInMB() uint64 {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.memoryMB
}

// Pids returns the pids of the system's live processes, sorted.
func (s *System) Pids() []uint32 {
	s.mu.Lock()
	defer s.mu.Unlock()
	pids := make([]uint32, 0, len(s.procs))
	for pid := range s.procs {
		pids = append(pids, pid)
	}
	slices.Sort(pids)
	return pids
}

// Start implements driver.System: it marks a created system running.
func (s *System) Start(ctx context.Context) error {
	if err := s.opts.run(ctx, OpStart, s.id); err != nil {
		return err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.state != stateCreated {
		return s.stateErrorLocked(OpStart)
	}
	s.state = stateRunning
	s.startedAt = time.Now()
	return nil
}

// Pause implements driver.System: it stops every process group with SIGSTOP.
func (s *System) Pause(ctx context.Context, _ *schema.PauseOptions) error {
	return s.freeze(ctx, OpPause, stateRunning, statePaused, syscall.SIGSTOP)
}

// Resume implements driver.System: it continues every process group with SIGCONT.
func (s *System) Resume(ctx context.Context) error {
	return s.freeze(ctx, OpResume, statePaused, stateRunning, syscall.SIGCONT)
}

func (s *System) freeze(ctx context.Context, op Op, from, to state, sig syscall.Signal) error {
	if err := s.opts.run(ctx, op, s.id); err != nil {
		return err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.state != from {
		return s.stateErrorLocked(op)
	}
	for _, p := range s.procs {
		p.signalGroup(sig)
	}
	s.state = to
	return nil
}

// Save implements driver.System; the fake cannot save, so it fails with ERROR_NOT_SUPPORTED.
func (s *System) Save(ctx context.Context, _ *schema.SaveOptions) error {
	if err := s.opts.run(ctx, OpSave, s.id); err != nil {
		return err
	}
	return hresult.Errorf(hresult.ERROR_NOT_SUPPORTED, "fakedriver: system %q: save is not supported", s.id)
}

// stateErrorLocked returns the error for op in the current state. s.mu must be held.
func (s *System) stateErrorLocked(op Op) error {
	if s.state == stateStopped && (op == OpShutdown || op == OpTerminate) {
		return hresult.Errorf(hresult.HCS_E_SYSTEM_ALREADY_STOPPED, "fakedriver: system %q is already stopped", s.id)
	}
	return hresult.Errorf(hresult.HCS_E_INVALID_STATE, "fakedriver: system %q: cannot %s while %s", s.id, op, s.state)
}

// String identifies the system in test output.
func (s *System) String() string { return fmt.Sprintf("fakedriver system %q", s.id) }
