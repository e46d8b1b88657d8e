package agentsession

import (
	"context"
	"sync"
	"syscall"
	"time"

	"github.com/linuxhcs/hcs/agent/protocol"
	"github.com/linuxhcs/hcs/hresult"
)

// KilledExitCode is the exit code of a process the agent never reported: it died with the
// agent's pid namespace or guest, killed by SIGKILL (128+9).
const KilledExitCode = 128 + 9

// ackTimeout bounds one exit acknowledgement; an unacknowledged exit is only reported
// again on a later connection.
const ackTimeout = 10 * time.Second

// ExitSink receives the exit of one process: its pid and its exit code (128+N when it was
// killed by signal N). The session calls it exactly once, possibly before the spawn that
// started the process has returned, and must not be kept waiting long.
type ExitSink func(pid int, exitCode uint32)

// Dialer connects to the agent with the client options the session needs (its exit
// handler); it is protocol.Dial or protocol.NewStreamClient bound to a transport.
type Dialer func(ctx context.Context, opts protocol.ClientOptions) (*protocol.Client, error)

// Options configures a Session.
type Options struct {
	// HostVersion is sent in the host's Hello.
	HostVersion string
	// Unclaimed receives the exits of pids this session neither spawned nor adopted, seen
	// while no spawn was in flight. A session reattached after a service restart sets it:
	// such exits are of processes spawned before the restart. Nil drops them.
	Unclaimed ExitSink
	// SpawnReturned, when set, runs after the agent answered a spawn and before the session
	// records the pid. Tests use it to let the process's exit overtake its spawn reply.
	SpawnReturned func(pid int)
}

// Session is one connection to an agent and the processes spawned through it. It is safe
// for concurrent use.
type Session struct {
	client *protocol.Client
	opts   Options
	// ready is closed once client is set: an exit may arrive before the dial returned.
	ready chan struct{}

	mu sync.Mutex
	// procs maps the pid of each live spawned or adopted process to its sink.
	procs map[int]ExitSink
	// inFlight counts spawn requests sent whose pid is not recorded yet.
	inFlight int
	// held are exits of unknown pids that arrived while a spawn was in flight.
	held []protocol.ProcessExited
	// finished is set by Finish: the processes left were reported killed.
	finished bool
}

// Connect dials the agent and returns its session.
func Connect(ctx context.Context, dial Dialer, opts Options) (*Session, error) {
	s := &Session{opts: opts, procs: map[int]ExitSink{}, ready: make(chan struct{})}
	c, err := dial(ctx, protocol.ClientOptions{HostVersion: opts.HostVersion, OnExit: s.onExit})
	s.client = c
	close(s.ready)
	if err != nil {
		return nil, err
	}
	return s, nil
}

// Client returns the protocol client, for requests that do not touch the process ledger
// (ListProcesses, Shutdown, ResizeConsole, ...).
func (s *Session) Client() *protocol.Client { return s.client }

// Done is closed when the connection to the agent has ended.
func (s *Session) Done() <-chan struct{} { return s.client.Done() }

// Close ends the connection. The agent and its processes keep running.
func (s *Session) Close() error { return s.client.Close() }

// Signal sends sig to pid.
func (s *Session) Signal(ctx context.Context, pid int, sig int) error {
	return s.client.Signal(ctx, pid, syscall.Signal(sig))
}

// Adopt records a process spawned on an earlier connection that still runs, so that its
// exit reaches onExit.
func (s *Session) Adopt(pid int, onExit ExitSink) {
	s.mu.Lock()
	if _, known := s.procs[pid]; !known {
		s.procs[pid] = onExit
	}
	s.mu.Unlock()
}

// AdoptRunning asks the agent which processes run and adopts those it spawned (after a
// service restart, the ones a client created), each once, returning their pids.
func (s *Session) AdoptRunning(ctx context.Context, onExit ExitSink) ([]int, error) {
	list, err := s.Client().ListProcesses(ctx)
	if err != nil {
		return nil, err
	}
	return s.AdoptSpawned(list, onExit), nil
}

// AdoptSpawned adopts the processes of list the agent spawned (after a service restart,
// from ListProcesses), each once, and returns their pids.
func (s *Session) AdoptSpawned(list []protocol.ProcessInfo, onExit ExitSink) []int {
	var pids []int
	seen := map[int]bool{}
	for _, pi := range list {
		if pi.Spawned && !seen[pi.Pid] {
			seen[pi.Pid] = true
			s.Adopt(pi.Pid, onExit)
			pids = append(pids, pi.Pid)
		}
	}
	return pids
}

// errFinished is what a spawn gets once the session has given its processes up.
func errFinished() error {
	return hresult.New(hresult.HCS_E_CONNECTION_CLOSED, "the agent's session has ended")
}

// Sink adapts a driver's exit callback (driver.ProcessRequest.OnExit,
// driver.Notifier.ProcessExited) to an ExitSink.
func Sink(onExit func(pid uint32, exitCode uint32)) ExitSink {
	return func(pid int, exitCode uint32) { onExit(uint32(pid), exitCode) }
}
