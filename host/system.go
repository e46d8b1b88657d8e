package host

import (
	"context"
	"sync"
	"time"

	"github.com/linuxhcs/hcs/driver"
	"github.com/linuxhcs/hcs/hresult"
	"github.com/linuxhcs/hcs/schema"
)

// system is one compute system owned by the host.
type system struct {
	h          *Host
	id         string
	cfg        *schema.ComputeSystem
	rawConfig  []byte // the ComputeSystem document as the caller sent it, for the record
	driverName string
	kind       schema.SystemType
	runtimeID  string
	stateDir   string
	created    time.Time

	// opMu serialises lifecycle operations; Terminate first cancels the one in flight.
	opMu sync.Mutex
	ds   driver.System

	mu            sync.Mutex
	state         schema.State
	creating      bool // reserved id, driver.Create still running
	cancelOp      context.CancelFunc
	stopRequested schema.NotificationType // exit type implied by the stop a caller asked for
	stopStatus    hresult.HRESULT         // exit status that stop implies (0: the driver's)
	exit          *schema.SystemExitStatus
	startedAt     time.Time
	handles       map[handleKey]struct{}
	procs         map[uint32]*process
	removed       bool
	closeOnce     sync.Once
	closed        chan struct{} // closed once the driver released the system's resources
	// recovering is closed once a system recovered after a restart has been reattached to
	// its guest (see Host.Recover); nil for a system this service instance created.
	recovering chan struct{}
}

func newSystem(h *Host, id string, cfg *schema.ComputeSystem) *system {
	return &system{
		h: h, id: id, cfg: cfg, kind: systemType(cfg), runtimeID: newGUID(),
		created: time.Now(), state: schema.StateCreated, creating: true,
		handles: map[handleKey]struct{}{}, procs: map[uint32]*process{}, closed: make(chan struct{}),
	}
}

func systemType(cfg *schema.ComputeSystem) schema.SystemType {
	if cfg.VirtualMachine != nil {
		return schema.SystemTypeVirtualMachine
	}
	return schema.SystemTypeContainer
}

// snapshot returns the state under the lock.
func (s *system) currentState() schema.State {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.state
}

// addHandle records a new handle; a handle to a stopped system gets the exit event at once,
// so a late opener learns of the exit like everyone else.
func (s *system) addHandle(k handleKey) {
	s.mu.Lock()
	s.handles[k] = struct{}{}
	exit := s.exit
	s.mu.Unlock()
	if exit != nil {
		k.emit(eventSystemExited, mustJSON(exit))
	}
}

// release drops one handle. The last handle of a system created with
// ShouldTerminateOnLastHandleClosed terminates it; a stopped system with no handles left is
// forgotten.
func (s *system) release(k handleKey) {
	s.mu.Lock()
	delete(s.handles, k)
	last := len(s.handles) == 0
	state := s.state
	s.mu.Unlock()
	if !last {
		return
	}
	switch {
	case state == schema.StateStopped:
		s.h.forget(s)
	case s.cfg.ShouldTerminateOnLastHandleClosed:
		s.h.tasks.start(s.terminateUnreferenced)
	}
}

// terminateUnreferenced terminates a system whose last handle closed, unless a new handle
// appeared meanwhile.
func (s *system) terminateUnreferenced() {
	s.mu.Lock()
	reopened := len(s.handles) > 0
	s.mu.Unlock()
	if reopened {
		return
	}
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	if err := s.lifecycle(ctx, wireTerminate, ""); err != nil && !hresult.Is(err, hresult.HCS_E_SYSTEM_ALREADY_STOPPED) {
		s.h.log.Warn("terminate on last handle close failed", "id", s.id, "err", err)
	}
}

// handleKeys returns the current handles.
func (s *system) handleKeys() []handleKey {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]handleKey, 0, len(s.handles))
	for k := range s.handles {
		out = append(out, k)
	}
	return out
}
