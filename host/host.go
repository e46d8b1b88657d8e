// Package host is the core of the compute service: the registry of compute systems, their
// lifecycle state machine (spec HCS-API.md §11), handles, the process table, stdio plumbing
// and event fan-out. It drives back-ends only through driver.Driver.
//
// A Host serves sessions (Connect): the embedded host gives one to an in-process client, and
// hcsd gives one to each socket connection. Systems belong to the host, not to a session: a
// system created in one session can be opened, used and terminated from another, and keeps
// running after its creator's session ends unless it was created with
// ShouldTerminateOnLastHandleClosed.
package host

import (
	"context"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"sync"
	"time"

	"github.com/linuxhcs/hcs/driver"
	"github.com/linuxhcs/hcs/wire"
)

// Options configures a Host.
type Options struct {
	// Container creates systems whose document has a Container section; nil means such
	// systems are refused with HCS_E_SERVICE_NOT_AVAILABLE.
	Container driver.Driver
	// VirtualMachine creates systems whose document has a VirtualMachine section.
	VirtualMachine driver.Driver
	// StateDir holds per-system driver state and stored crash reports. Empty means a new
	// temporary directory, removed by Close.
	StateDir string
	// ShutdownTimeout bounds a graceful HcsShutDownComputeSystem before it falls back to
	// terminating the system. Zero means 30 seconds.
	ShutdownTimeout time.Duration
	// Logger receives the host's log; nil means slog.Default().
	Logger *slog.Logger
	// ReattachGrace is how long a system created with ShouldTerminateOnLastHandleClosed
	// that was reattached after a restart may stay without handles before it is terminated:
	// its clients lost their connection with the previous service and may open it again.
	// Zero means one minute.
	ReattachGrace time.Duration
	// Utilities serve the storage and VM utility functions (HcsImportLayer,
	// HcsGrantVmAccess, ...); a function without a handler is ERROR_NOT_SUPPORTED. The composition
	// root (hcsd) wires them from package utility.
	Utilities map[wire.UtilityFunc]UtilityHandler
	// LogLevel, when set, is the level of Logger's handler, which the ServiceSettings
	// modification can change at run time.
	LogLevel *slog.LevelVar
}

// Host is the compute service core. It is safe for concurrent use.
type Host struct {
	opts      Options
	log       *slog.Logger
	ownsState bool
	tasks     *tasks // every goroutine the host starts; Close waits for them

	mu       sync.Mutex
	systems  map[string]*system
	sessions map[*Session]struct{}
	closed   bool
	// reattachCtx is the context of the background reattaches Recover started;
	// stopReattach ends it, at Close.
	reattachCtx  context.Context
	stopReattach context.CancelFunc
}

// New returns a host with the given options.
func New(opts Options) (*Host, error) {
	h := &Host{opts: opts, systems: map[string]*system{}, sessions: map[*Session]struct{}{}, tasks: newTasks()}
	if h.opts.ReattachGrace <= 0 {
		h.opts.ReattachGrace = time.Minute
	}
	if h.opts.ShutdownTimeout <= 0 {
		h.opts.ShutdownTimeout = 30 * time.Second
	}
	h.log = opts.Logger
	if h.log == nil {
		h.log = slog.Default()
	}
	if h.opts.StateDir == "" {
		dir, err := os.MkdirTemp("", "hcs-host-")
		if err != nil {
			return nil, fmt.Errorf("host: state dir: %w", err)
		}
		h.opts.StateDir, h.ownsState = dir, true
	}
	if err := os.MkdirAll(filepath.Join(h.opts.StateDir, "systems"), 0o700); err != nil {
		return nil, fmt.Errorf("host: state dir: %w", err)
	}
	return h, nil
}

// Connect opens a session: the wire.Service a client uses. A session of a closed host is
// closed from the start: its calls fail and its event stream is at its end.
func (h *Host) Connect() *Session {
	s := newSession(h)
	h.mu.Lock()
	closed := h.closed
	if !closed {
		h.sessions[s] = struct{}{}
	}
	h.mu.Unlock()
	if closed {
		s.detach()
	}
	return s
}

// Close ends every session. With terminate set it also terminates every system still
// running (what an embedded host wants, since nothing else will stop them). Otherwise
// systems keep running, as when hcsd stops for an upgrade: sessions are detached without
// closing their handles, so a service stop never counts as a client closing its last handle
// (a client that reconnects may open its systems again; see Options.ReattachGrace).
//
// Close returns once every goroutine the host started has ended, and only then removes the
// state directory it owns, so nothing writes there afterwards.
func (h *Host) Close(ctx context.Context, terminate bool) error {
	h.tasks.stopTimers()
	h.mu.Lock()
	h.closed = true
	if h.stopReattach != nil {
		h.stopReattach()
	}
	sessions := make([]*Session, 0, len(h.sessions))
	for s := range h.sessions {
		sessions = append(sessions, s)
	}
	h.mu.Unlock()
	for _, s := range sessions {
		if terminate {
			s.Close()
		} else {
			s.detach()
		}
	}
	if terminate {
		for _, sys := range h.allSystems() {
			_ = sys.lifecycle(ctx, wire.OpTerminate, "")
		}
	}
	h.tasks.close()
	if h.ownsState {
		return os.RemoveAll(h.opts.StateDir)
	}
	return nil
}

func (h *Host) allSystems() []*system {
	h.mu.Lock()
	defer h.mu.Unlock()
	out := make([]*system, 0, len(h.systems))
	for _, s := range h.systems {
		out = append(out, s)
	}
	return out
}

func (h *Host) dropSession(s *Session) {
	h.mu.Lock()
	delete(h.sessions, s)
	h.mu.Unlock()
}

// SystemCount returns how many systems the host knows, stopped ones with open handles
// included.
func (h *Host) SystemCount() int {
	h.mu.Lock()
	defer h.mu.Unlock()
	return len(h.systems)
}
