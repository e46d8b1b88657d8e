package container

import (
	"context"
	"os"
	"path/filepath"
	"sync"
	"time"

	"github.com/linuxhcs/hcs/agent/protocol"
	"github.com/linuxhcs/hcs/driver"
	"github.com/linuxhcs/hcs/driver/agentsession"
	"github.com/linuxhcs/hcs/hresult"
	"github.com/linuxhcs/hcs/internal/procfs"
	"github.com/linuxhcs/hcs/schema"
	"github.com/linuxhcs/hcs/storage"
)

// waitDelay bounds how long a runtime invocation may keep its output pipes open after it
// exits (a container process inheriting them must not hang us).
const waitDelay = 5 * time.Second

// System is one container.
type System struct {
	d      *Driver
	rt     *Runtime // the runtime this container runs under
	id     string   // compute-system id
	rid    string   // runtime container id
	cfg    *schema.Container
	dir    string // private state directory
	notify driver.Notifier

	rootfs   string // the writable layer path, where the union is mounted
	attached bool   // the union was mounted by us and is detached on Close
	scratch  bool   // rootfs is a scratch layer inside dir, removed on Close

	// exitOnce reports the container's end once, whether its init exited or never ran.
	exitOnce sync.Once
	// agent is the session with the container's agent, once it connected.
	agent agentsession.Holder

	mu       sync.Mutex
	watch    *exitWatch
	pid      int    // the container init's pid on the host
	pidStart uint64 // its start time, to recognise it after a restart
	// started says the runtime was asked to run the container: it has state to delete.
	started bool
	// paused says the container is frozen: its agent cannot answer until it is thawed.
	paused bool
	// reattaching is set after a service restart until the agent's session is settled
	// (reconnect connected it or failed with reattachErr); nil for a container this service
	// instance started.
	reattaching chan struct{}
	reattachErr error
	// thawing is closed when a container found paused after a restart is resumed: its
	// agent can answer from then on.
	thawing chan struct{}
	startAt time.Time
	mapped  []string // container paths of directories mapped at run time

	// nameTaken says another container holds rid: Close leaves its runtime entry and agent
	// socket alone.
	nameTaken bool
	// alog reads the init's output, from Start (or recovery) to Close.
	alog *agentLog
}

func (s *System) startTime() time.Time {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.startAt
}

var _ driver.System = (*System)(nil)

func (s *System) bundle() string { return filepath.Join(s.dir, "bundle") }

// socketPath is where the agent listens: short, in the driver's socket directory.
func (s *System) socketPath() string { return filepath.Join(s.d.opts.SocketDir, s.rid+".sock") }

// prepare records the runtime container id, attaches the root filesystem and writes the
// bundle. The id is recorded first: it is the only way back to the runtime's entry, cgroup
// and socket after a crash.
func (s *System) prepare(ctx context.Context) error {
	if err := s.saveState(); err != nil {
		return err
	}
	stepCreateRecorded.Reach()
	if err := s.attachRootfs(); err != nil {
		return err
	}
	stepCreateAttached.Reach()
	spec, err := BuildSpec(SpecInput{
		ID: s.id, Container: s.cfg, RootfsPath: s.rootfs,
		Args:    protocol.AgentArgs("/proc/self/fd/3", 4),
		Cgroups: s.d.cgroups, CgroupsPath: s.d.cgroupPath(s.rid),
		NetworkNamespace: networkNamespace(s.cfg), HostCPUs: hostCPUs(),
		OpenFilesLimit: inheritedOpenFilesLimit(),
	})
	if err != nil {
		return err
	}
	if err := os.MkdirAll(s.bundle(), 0o700); err != nil {
		return hresult.Wrap(err, hresult.E_FAIL, "container bundle")
	}
	if err := writeJSON(filepath.Join(s.bundle(), "config.json"), spec); err != nil {
		return err
	}
	stepCreateBundle.Reach()
	return nil
}

// networkNamespace returns the namespace path Networking.Namespace names, if it is a path.
func networkNamespace(c *schema.Container) string {
	if c.Networking != nil && filepath.IsAbs(c.Networking.Namespace) {
		return c.Networking.Namespace
	}
	return ""
}

// attachRootfs makes the container's root: Storage.Path when given (attached by the caller
// already, or attached here for the container's life), else a scratch layer in the state
// directory. A writable layer attached here is put over Storage.Layers, or when those are
// empty over the parents it was initialised with; with neither it is refused, as
// AttachLayerStorageFilter refuses it, instead of giving the container an empty root.
func (s *System) attachRootfs() error {
	var layers []string
	if s.cfg.Storage != nil {
		for _, l := range s.cfg.Storage.Layers {
			layers = append(layers, l.Path)
		}
		s.rootfs = s.cfg.Storage.Path
	}
	if s.rootfs == "" {
		if len(layers) == 0 {
			return hresult.New(hresult.E_INVALIDARG, "$.Container.Storage: a container needs layers or a writable layer path")
		}
		s.rootfs, s.scratch = filepath.Join(s.dir, "scratch"), true
	}
	if attached, err := storage.IsAttached(s.rootfs); err == nil && attached {
		return makeShared(s.rootfs) // the caller's attachment, otherwise left as found
	}
	if err := s.ensureWritable(); err != nil {
		return err
	}
	layers, err := s.parentLayers(layers)
	if err != nil {
		return err
	}
	s.attached = true // intent first: a crash from here on is undone by Cleanup
	if err := s.saveState(); err != nil {
		return err
	}
	if err := storage.AttachMarked(s.rootfs, layers, s.d.unionMark(s.rid)); err != nil {
		return err
	}
	return makeShared(s.rootfs)
}

// parentLayers returns the layers the writable layer goes over: those the configuration
// lists, else those the layer recorded at initialisation.
func (s *System) parentLayers(layers []string) ([]string, error) {
	if len(layers) > 0 {
		return layers, nil
	}
	recorded, err := storage.RecordedParents(s.rootfs)
	if err != nil {
		return nil, hresult.Wrap(err, 0, "$.Container.Storage.Path")
	}
	if len(recorded) == 0 {
		return nil, hresult.Errorf(hresult.HCS_E_INVALID_LAYER,
			"$.Container.Storage: Layers is empty and the writable layer %s records no parent layers, so the container would have an empty root filesystem", s.rootfs)
	}
	return recorded, nil
}

// ensureWritable initialises a scratch, missing or empty Storage.Path as a writable layer;
// anything else that is not one is refused.
func (s *System) ensureWritable() error {
	if storage.IsWritable(s.rootfs) {
		return nil
	}
	entries, err := os.ReadDir(s.rootfs)
	if err != nil && !os.IsNotExist(err) {
		return hresult.Wrap(err, hresult.E_INVALIDARG, "$.Container.Storage.Path")
	}
	if len(entries) > 0 {
		return hresult.Errorf(hresult.HCS_E_INVALID_LAYER, "$.Container.Storage.Path: %s is neither a writable layer nor empty", s.rootfs)
	}
	return storage.PrepareWritable(s.rootfs)
}

// Start runs the container's init (hcs-agent) and connects to it.
func (s *System) Start(ctx context.Context) error {
	exe, err := s.d.agent.file()
	if err != nil {
		return err
	}
	defer exe.Close()
	if err := s.d.checkNameFree(s.rt, s.rid); err != nil {
		s.yieldName()
		return err
	}
	ln, err := listenAgent(s.socketPath())
	if err != nil {
		return err
	}
	defer ln.Close()
	stepStartListening.Reach()
	alog, out, err := newAgentLog(s.d.log, s.id)
	if err != nil {
		return err
	}
	s.setAgentLog(alog)
	pid, err := s.rt.StartDetached(ctx, s.rid, s.bundle(), out, alog.latest, []*os.File{exe, ln.file})
	out.Close()
	if hresult.Is(err, hresult.HCS_E_SYSTEM_ALREADY_EXISTS) {
		s.yieldName()
		return err
	}
	s.mu.Lock()
	s.started = true
	s.mu.Unlock()
	if err != nil {
		return err
	}
	stepStartRuntimeRan.Reach()
	w, err := watchStarted(pid, s.rt.Path)
	if err != nil {
		return err
	}
	s.mu.Lock()
	s.pid, s.watch, s.startAt, s.pidStart = pid, w, time.Now(), procfs.StartTime(pid)
	s.mu.Unlock()
	if s.d.initStarted != nil {
		s.d.initStarted(pid)
	}
	go s.waitExit(w)
	if err := s.saveState(); err != nil {
		return err
	}
	stepStartInitSaved.Reach()
	if err := s.handshake(ctx, ln.path, w, nil); err != nil {
		return err
	}
	stepStartConnected.Reach()
	return nil
}

// connect dials the agent and keeps the session. unclaimed receives the exits of processes
// spawned before a service restart (nil for a new container).
func (s *System) connect(ctx context.Context, path string, unclaimed agentsession.ExitSink) error {
	dial := func(ctx context.Context, opts protocol.ClientOptions) (*protocol.Client, error) {
		return protocol.Dial(ctx, path, opts)
	}
	_, err := s.agent.Connect(ctx, dial, agentsession.Options{
		HostVersion: "hcsd", Unclaimed: unclaimed, SpawnReturned: s.d.spawnReturned,
	})
	return err
}

// drainGrace bounds the wait for the agent's last exit reports after its init died.
const drainGrace = 2 * time.Second

// waitExit reports the container's end when its init exits. The agent's session delivers
// the exits the agent sent before it died; processes it never reported died with the pid
// namespace, killed by SIGKILL (exit code 137).
func (s *System) waitExit(w *exitWatch) {
	<-w.done
	s.agent.Get().Finish(drainGrace)
	s.reportExit()
}

// reportExit tells the host, once, that the container ended. Whether that was asked for
// is the host's to know.
func (s *System) reportExit() {
	s.exitOnce.Do(func() { s.notify.Exited(driver.Exit{Cause: driver.ExitStopped}) })
}

// agentSession returns the agent's session or the error calls report without one. After a
// service restart it first waits, within ctx, until the agent is reconnected (see
// reconnect).
func (s *System) agentSession(ctx context.Context) (*agentsession.Session, error) {
	if err := s.awaitReattach(ctx); err != nil {
		return nil, err
	}
	if sess := s.agent.Get(); sess != nil {
		return sess, nil
	}
	return nil, hresult.Errorf(hresult.HCS_E_CONNECTION_CLOSED, "container %s: the agent is not connected", s.id)
}
