package host

import (
	"sync"

	"github.com/linuxhcs/hcs/hresult"
	"github.com/linuxhcs/hcs/wire"
)

// Session is one client's view of the host: the handles it holds and its event stream. It
// implements wire.Service. Closing it releases every handle, as if the client had closed
// each one.
type Session struct {
	h      *Host
	events *eventStream

	mu      sync.Mutex
	systems map[wire.Ref]*system
	procs   map[wire.Ref]*process
	closed  bool
}

var _ wire.Service = (*Session)(nil)

func newSession(h *Host) *Session {
	return &Session{h: h, events: newEventStream(h.tasks), systems: map[wire.Ref]*system{}, procs: map[wire.Ref]*process{}}
}

// Events implements wire.Service.
func (s *Session) Events() <-chan wire.Event { return s.events.out }

// Close implements wire.Service: it releases every handle the session holds.
func (s *Session) Close() error {
	s.mu.Lock()
	if s.closed {
		s.mu.Unlock()
		return nil
	}
	s.closed = true
	systems, procs := s.systems, s.procs
	s.systems, s.procs = map[wire.Ref]*system{}, map[wire.Ref]*process{}
	s.mu.Unlock()
	for ref, p := range procs {
		p.release(handleKey{s, ref})
	}
	for ref, sys := range systems {
		sys.release(handleKey{s, ref})
	}
	s.events.close()
	s.h.dropSession(s)
	return nil
}

// detach ends the session when the service itself stops: the client is disconnected, but its
// handles are dropped without the release semantics of a close (no
// ShouldTerminateOnLastHandleClosed termination).
func (s *Session) detach() {
	s.mu.Lock()
	if s.closed {
		s.mu.Unlock()
		return
	}
	s.closed = true
	systems, procs := s.systems, s.procs
	s.systems, s.procs = map[wire.Ref]*system{}, map[wire.Ref]*process{}
	s.mu.Unlock()
	for ref, p := range procs {
		p.mu.Lock()
		delete(p.handles, handleKey{s, ref})
		p.mu.Unlock()
	}
	for ref, sys := range systems {
		sys.mu.Lock()
		delete(sys.handles, handleKey{s, ref})
		sys.mu.Unlock()
	}
	s.events.close()
	s.h.dropSession(s)
}

// handleKey names one handle: the session holding it and its reference there.
type handleKey struct {
	s   *Session
	ref wire.Ref
}

func (k handleKey) emit(t wire.EventType, data string) {
	k.s.events.emit(wire.Event{Handle: k.ref, Type: t, Data: data})
}

func errClosedSession() error {
	return hresult.New(hresult.ERROR_INVALID_HANDLE, "session is closed")
}

// addSystem opens a handle to sys under the reference the client chose.
func (s *Session) addSystem(ref wire.Ref, sys *system) (handleKey, error) {
	return addRef(s, systemTable, ref, sys)
}

// addProcess opens a handle to p under the reference the client chose.
func (s *Session) addProcess(ref wire.Ref, p *process) (handleKey, error) {
	return addRef(s, processTable, ref, p)
}

// checkNewRef refuses, before any work is done, a reference the client may not choose for a
// new handle. addRef checks again when it stores the handle, since two calls may race.
func (s *Session) checkNewRef(ref wire.Ref) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed {
		return errClosedSession()
	}
	return s.newRefErrLocked(ref)
}

// newRefErrLocked says why ref cannot name a new handle: it is zero, or names an open handle
// of the session (of either kind, since events are routed by reference alone).
func (s *Session) newRefErrLocked(ref wire.Ref) error {
	_, sys := s.systems[ref]
	_, proc := s.procs[ref]
	switch {
	case ref == 0:
		return hresult.New(hresult.E_INVALIDARG, "handle reference: required (non-zero)")
	case sys || proc:
		return hresult.Errorf(hresult.E_INVALIDARG, "handle reference %d already names an open handle of this session", ref)
	}
	return nil
}

// system resolves a system reference of this session.
func (s *Session) system(ref wire.Ref) (*system, error) {
	return lookupRef(s, systemTable, "compute system", ref, false)
}

// process resolves a process reference of this session.
func (s *Session) process(ref wire.Ref) (*process, error) {
	return lookupRef(s, processTable, "process", ref, false)
}

// takeSystem removes a system reference from the session and returns what it named.
func (s *Session) takeSystem(ref wire.Ref) (*system, error) {
	return lookupRef(s, systemTable, "compute system", ref, true)
}

// takeProcess removes a process reference from the session and returns what it named.
func (s *Session) takeProcess(ref wire.Ref) (*process, error) {
	return lookupRef(s, processTable, "process", ref, true)
}

// systemTable and processTable select one of the session's tables; they are called with
// s.mu held, since Close replaces the tables.
func systemTable(s *Session) map[wire.Ref]*system   { return s.systems }
func processTable(s *Session) map[wire.Ref]*process { return s.procs }

// addRef stores v under ref, which must be free, in one of the session's tables.
func addRef[T any](s *Session, table func(*Session) map[wire.Ref]T, ref wire.Ref, v T) (handleKey, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed {
		return handleKey{}, errClosedSession()
	}
	if err := s.newRefErrLocked(ref); err != nil {
		return handleKey{}, err
	}
	table(s)[ref] = v
	return handleKey{s, ref}, nil
}

// lookupRef finds ref in one of the session's tables, removing it when take is set (under
// the same lock, so two closes of one handle cannot both succeed).
func lookupRef[T any](s *Session, table func(*Session) map[wire.Ref]T, kind string, ref wire.Ref, take bool) (T, error) {
	var zero T
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed {
		return zero, errClosedSession()
	}
	v, ok := table(s)[ref]
	if !ok {
		return zero, hresult.Errorf(hresult.ERROR_INVALID_HANDLE, "%s handle %d is not open", kind, ref)
	}
	if take {
		delete(table(s), ref)
	}
	return v, nil
}
