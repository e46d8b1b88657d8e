package agent

import (
	"context"
	"fmt"
	"io"
	"log"
	"net"
	"os"
	"os/signal"
	"strconv"
	"sync"
	"time"

	"github.com/linuxhcs/hcs/agent/protocol"
	"golang.org/x/sys/unix"
)

// Version is the agent's software version, sent in its Hello. Builds may set it with
// -ldflags "-X github.com/linuxhcs/hcs/agent.Version=...".
var Version = "dev"

// DefaultShutdownTimeout is how long a shutdown started by a signal to the agent waits for
// processes to exit after SIGTERM before it kills them.
const DefaultShutdownTimeout = 10 * time.Second

// Config configures Run.
type Config struct {
	// ListenFD is the inherited descriptor of the listening unix socket.
	ListenFD int
	// ShutdownTimeout applies to shutdowns started by SIGTERM or SIGINT to the agent (or by
	// the end of Run's context); zero means DefaultShutdownTimeout.
	ShutdownTimeout time.Duration
	// Root is the directory whose etc/passwd and etc/group resolve users; "" means "/".
	Root string
	// MaxExits bounds the remembered exits; zero means DefaultMaxExits.
	MaxExits int
	// Log receives diagnostics; nil means standard error.
	Log io.Writer
	// Transport, when set, serves the host over a stream instead of ListenFD: for a VM
	// guest, "virtio-serial:NAME" (the port named NAME). See guest_linux.go.
	Transport string
}

// Agent is a running hcs-agent. Run creates and drives one.
type Agent struct {
	cfg Config
	log *log.Logger
	ln  *net.UnixListener
	// guest is the guest's transport to the host when Config.Transport is set (ln is then
	// nil).
	guest guestTransport

	// forkMu orders forks and signals against reaping. Spawn and Signal hold it for reading,
	// so that no pid they use can be reaped, and then reused, while they use it; reap holds
	// it for writing.
	forkMu sync.RWMutex
	// oom gives spawned processes an OOM score of their own (see oomGuard).
	oom *oomGuard
	// stopping refuses new spawns once a shutdown has begun. Written with forkMu held for
	// writing, read with it held for reading.
	stopping bool

	// ctrMu serializes the container requests and guards ctrs; a Spawn in a container
	// holds it so that the container cannot be deleted under it.
	ctrMu sync.Mutex
	ctrs  map[string]*container

	// mu guards the fields below it.
	mu    sync.Mutex
	procs map[int]*proc
	exits *exitLog
	sess  *session

	shutOnce sync.Once
	shutRes  protocol.ShutdownResult
	exit     chan struct{} // closed when Run should return
	exitOnce sync.Once
}

// Run runs the agent until a shutdown completes (a Shutdown request, SIGTERM or SIGINT, or
// the end of ctx); it then returns nil and the caller exits 0. It returns an error only when
// it cannot start; a misbehaving client never ends it.
func Run(ctx context.Context, cfg Config) error {
	a, err := newAgent(cfg)
	if err != nil {
		return err
	}
	err = a.run(ctx)
	if a.guest != nil {
		a.powerOff()
	}
	return err
}

func newAgent(cfg Config) (*Agent, error) {
	if cfg.ShutdownTimeout <= 0 {
		cfg.ShutdownTimeout = DefaultShutdownTimeout
	}
	if cfg.Root == "" {
		cfg.Root = "/"
	}
	if cfg.Log == nil {
		cfg.Log = os.Stderr
	}
	a := &Agent{
		cfg:   cfg,
		log:   log.New(cfg.Log, "hcs-agent: ", log.LstdFlags|log.Lmsgprefix),
		procs: make(map[int]*proc),
		ctrs:  make(map[string]*container),
		exits: newExitLog(cfg.MaxExits),
		exit:  make(chan struct{}),
		oom:   newOOMGuard(),
	}
	if cfg.Transport != "" {
		return newGuestAgent(a)
	}
	closeInherited(cfg.ListenFD)
	setProcessName("hcs-agent")
	ln, err := listenerFromFD(cfg.ListenFD)
	if err != nil {
		return nil, err
	}
	a.ln = ln
	if unix.Getpid() != 1 {
		if err := unix.Prctl(unix.PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0); err != nil {
			ln.Close()
			return nil, fmt.Errorf("become child subreaper: %w", err)
		}
	}
	return a, nil
}

// closeInherited closes every descriptor above 2 that the agent inherited, except keep (the
// listening socket), so that the agent holds nothing of the runtime's or the host's.
// Inherited descriptors are told apart by FD_CLOEXEC: they cannot have it (they survived
// exec), while Go opens every descriptor of its own with it. Without /proc the descriptors
// cannot be listed; they are then at least marked close-on-exec, so no spawned process
// inherits them.
func closeInherited(keep int) {
	ents, err := os.ReadDir("/proc/self/fd")
	if err != nil {
		unix.CloseRange(3, ^uint(0), unix.CLOSE_RANGE_CLOEXEC)
		return
	}
	for _, e := range ents {
		fd, err := strconv.Atoi(e.Name())
		if err != nil || fd <= 2 || fd == keep {
			continue
		}
		if fl, err := unix.FcntlInt(uintptr(fd), unix.F_GETFD, 0); err == nil && fl&unix.FD_CLOEXEC == 0 {
			unix.Close(fd)
		}
	}
}

// setProcessName sets the agent's command name (what ps and ListProcesses show), which
// would otherwise be the name of the descriptor it was started from, such as "4". Writing
// /proc/self/comm names the process, whichever thread runs this.
func setProcessName(name string) {
	os.WriteFile("/proc/self/comm", []byte(name), 0)
}

// listenerFromFD adopts the inherited listening socket. The listener holds a close-on-exec
// duplicate; the inherited descriptor is closed.
func listenerFromFD(fd int) (*net.UnixListener, error) {
	if fd < 0 {
		return nil, fmt.Errorf("listen fd %d: not a descriptor", fd)
	}
	f := os.NewFile(uintptr(fd), "listen-fd")
	if f == nil {
		return nil, fmt.Errorf("listen fd %d: invalid", fd)
	}
	defer f.Close()
	l, err := net.FileListener(f)
	if err != nil {
		return nil, fmt.Errorf("listen fd %d: %w", fd, err)
	}
	ul, ok := l.(*net.UnixListener)
	if !ok {
		l.Close()
		return nil, fmt.Errorf("listen fd %d: not a unix socket (%T)", fd, l)
	}
	return ul, nil
}

// run serves connections and handles signals until the agent should exit.
func (a *Agent) run(ctx context.Context) error {
	stop := make(chan os.Signal, 4)
	signal.Notify(stop, unix.SIGTERM, unix.SIGINT, unix.SIGPIPE)
	chld := make(chan os.Signal, 1)
	signal.Notify(chld, unix.SIGCHLD)
	defer signal.Stop(stop)
	defer signal.Stop(chld)

	go a.reapLoop(chld)
	if a.guest != nil {
		go a.guest.serve(a)
	} else {
		go a.acceptLoop()
	}
	for {
		select {
		case sig := <-stop:
			if sig == unix.SIGPIPE {
				continue // a peer went away; the write that caused it reports EPIPE
			}
			a.log.Printf("received %v: shutting down", sig)
			go a.shutdownAndExit()
		case <-ctx.Done():
			go a.shutdownAndExit()
			ctx = context.Background()
		case <-a.exit:
			a.close()
			return nil
		}
	}
}

// shutdownAndExit performs a shutdown with the configured timeout and ends Run once the
// host has been sent the exits of the processes it stopped.
func (a *Agent) shutdownAndExit() {
	a.shutdown(a.cfg.ShutdownTimeout)
	a.mu.Lock()
	s := a.sess
	a.mu.Unlock()
	if s != nil {
		s.flush(flushTimeout)
	}
	a.finish()
}

// finish makes Run return.
func (a *Agent) finish() {
	a.exitOnce.Do(func() { close(a.exit) })
}

// close releases the listener, the connection and the descriptors of remaining processes.
func (a *Agent) close() {
	if a.ln != nil {
		a.ln.Close()
	}
	a.mu.Lock()
	s := a.sess
	a.sess = nil
	for _, p := range a.procs {
		p.release()
	}
	a.mu.Unlock()
	if s != nil {
		s.close()
	}
}
