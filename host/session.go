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

// addSystem issues a reference for a new handle to sys.
func (s *Session) addSystem(sys *system) (handleKey, error) { return addRef(s, systemTable, sys) }

// addProcess issues a reference for a new handle to p.
func (s *Session) addProcess(p *process) (handleKey, error) { return addRef(s, processTable, p) }

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

// addRef stores v under a new reference in one of the session's tables.
func addRef[T any](s *Session, table func(*Session) map[wire.Ref]T, v T) (handleKey, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed {
		return handleKey{}, errClosedSession()
	}
	k := handleKey{s, s.h.newRef()}
	table(s)[k.ref] = v
	return k, nil
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
