package container

import (
	"context"
	"log/slog"
	"os"
	"path/filepath"
	"runtime"
	"sync"
	"time"

	"golang.org/x/sys/unix"

	"github.com/linuxhcs/hcs/driver"
	"github.com/linuxhcs/hcs/hresult"
	"github.com/linuxhcs/hcs/internal/durable"
)

// Options configures the container driver.
type Options struct {
	// Runtime is "runc", "crun", or empty for the default: crun when installed (faster to
	// start), else runc.
	Runtime string
	// RuntimeRoot holds the runtimes' state directories, one per runtime
	// (RuntimeRoot/runc, RuntimeRoot/crun); empty means /run/hcs.
	RuntimeRoot string
	// AgentPath is the hcs-agent binary; empty means hcs-agent next to the running
	// executable, then on PATH.
	AgentPath string
	// SocketDir holds the agents' sockets; empty means /run/hcs/agents.
	SocketDir string
	// CgroupParent is the cgroup under which containers are placed; empty means "/hcs".
	CgroupParent string
	// Logger receives the driver's log; nil means slog.Default().
	Logger *slog.Logger
	// HandshakeTimeout bounds the wait for a container's agent to answer the handshake,
	// at Start and when reattaching after a restart; zero means DefaultHandshakeTimeout.
	HandshakeTimeout time.Duration
}

// DefaultHandshakeTimeout is Options.HandshakeTimeout when unset: long enough for an agent
// starting on a loaded host, short enough that a guest that never answers fails the call.
const DefaultHandshakeTimeout = 30 * time.Second

// Driver creates process-isolated Linux containers. It is safe for concurrent use.
type Driver struct {
	opts    Options
	cgroups CgroupLayout
	agent   *agentImage
	log     *slog.Logger
	// spawnReturned is agentsession.Options.SpawnReturned for every container; tests set it.
	spawnReturned func(pid int)
	// newRuntimeID names new runtime containers; nil means randomRuntimeID. Tests set it.
	newRuntimeID func() (string, error)
	// initStarted, when set, runs once the runtime has started a container's init, before
	// the handshake; tests use it to kill the init at that point.
	initStarted func(pid int)

	mu       sync.Mutex
	rt       *Runtime            // the runtime new containers use
	runtimes map[string]*Runtime // every runtime used so far, by name
}

var _ driver.Driver = (*Driver)(nil)

// New returns a container driver for this host.
func New(opts Options) (*Driver, error) {
	layout, err := DetectCgroupLayout()
	if err != nil {
		return nil, err
	}
	name := opts.Runtime
	if name == "" {
		name = defaultRuntime()
	}
	if opts.RuntimeRoot == "" {
		opts.RuntimeRoot = "/run/hcs"
	}
	if opts.SocketDir == "" {
		opts.SocketDir = "/run/hcs/agents"
	}
	// Parents that do not exist yet (/run/hcs) are made traversable; only the socket
	// directory itself is private.
	if err := os.MkdirAll(filepath.Dir(opts.SocketDir), 0o755); err != nil {
		return nil, hresult.Wrap(err, hresult.E_FAIL, "agent socket directory")
	}
	if err := os.Mkdir(opts.SocketDir, 0o700); err != nil && !os.IsExist(err) {
		return nil, hresult.Wrap(err, hresult.E_FAIL, "agent socket directory")
	}
	if opts.CgroupParent == "" {
		opts.CgroupParent = "/hcs"
	}
	if opts.HandshakeTimeout <= 0 {
		opts.HandshakeTimeout = DefaultHandshakeTimeout
	}
	// The runtime detaches each init it starts; as a subreaper this process inherits it
	// and can read its exit status (through the pidfd watch), which explains a start that
	// failed because the init died.
	if err := unix.Prctl(unix.PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0); err != nil {
		return nil, hresult.Wrap(err, hresult.E_FAIL, "becoming the subreaper of container inits")
	}
	agentPath, err := findAgent(opts.AgentPath)
	if err != nil {
		return nil, err
	}
	log := opts.Logger
	if log == nil {
		log = slog.Default()
	}
	d := &Driver{opts: opts, cgroups: layout, agent: &agentImage{path: agentPath}, log: log, runtimes: map[string]*Runtime{}}
	if err := d.SetRuntime(name); err != nil {
		return nil, err
	}
	if err := d.agent.load(); err != nil {
		return nil, err
	}
	return d, nil
}

// SetRuntime makes name ("runc" or "crun") the runtime of containers created from now on;
// existing containers keep theirs.
func (d *Driver) SetRuntime(name string) error {
	rt, err := d.runtime(name)
	if err != nil {
		return err
	}
	d.mu.Lock()
	d.rt = rt
	d.mu.Unlock()
	return nil
}

// RuntimeName returns the name of the runtime new containers use.
func (d *Driver) RuntimeName() string { return d.Runtime().Name }

// runtime returns the runtime called name, preparing it on first use.
func (d *Driver) runtime(name string) (*Runtime, error) {
	d.mu.Lock()
	defer d.mu.Unlock()
	if rt, ok := d.runtimes[name]; ok {
		return rt, nil
	}
	rt, err := NewRuntime(name, filepath.Join(d.opts.RuntimeRoot, name), d.cgroups)
	if err != nil {
		return nil, err
	}
	d.runtimes[name] = rt
	return rt, nil
}

// Name implements driver.Driver.
func (d *Driver) Name() string { return "container" }

// Runtime returns the OCI runtime new containers use.
func (d *Driver) Runtime() *Runtime {
	d.mu.Lock()
	defer d.mu.Unlock()
	return d.rt
}

func defaultRuntime() string {
	for _, name := range []string{"crun", "runc"} {
		if _, err := lookPath(name); err == nil {
			return name
		}
	}
	return "runc"
}

// findAgent locates the hcs-agent binary.
func findAgent(path string) (string, error) {
	if path != "" {
		if _, err := os.Stat(path); err != nil {
			return "", hresult.Wrap(err, hresult.HCS_E_SERVICE_NOT_AVAILABLE, "hcs-agent binary")
		}
		return path, nil
	}
	if exe, err := os.Executable(); err == nil {
		p := filepath.Join(filepath.Dir(exe), "hcs-agent")
		if _, err := os.Stat(p); err == nil {
			return p, nil
		}
	}
	if p, err := lookPath("hcs-agent"); err == nil {
		return p, nil
	}
	return "", hresult.New(hresult.HCS_E_SERVICE_NOT_AVAILABLE, "hcs-agent binary not found next to the executable or on PATH (build it with make)")
}

// Create prepares a container: it attaches the union of its layers as the root filesystem
// and writes the runtime bundle. The container's init starts with Start.
func (d *Driver) Create(ctx context.Context, req driver.CreateRequest) (driver.System, error) {
	if req.Config == nil || req.Config.Container == nil {
		return nil, hresult.New(hresult.E_INVALIDARG, "$.Container: required by the container driver")
	}
	rt := d.Runtime()
	rid, err := d.allocateRuntimeID(rt)
	if err != nil {
		return nil, err
	}
	s := &System{d: d, rt: rt, id: req.ID, rid: rid, cfg: req.Config.Container, dir: req.StateDir, notify: req.Notify}
	if err := s.prepare(ctx); err != nil {
		s.release(context.WithoutCancel(ctx))
		return nil, err
	}
	return s, nil
}

// writeJSON writes v as the JSON file path, durably (see package durable).
func writeJSON(path string, v any) error {
	return hresult.Wrap(durable.WriteJSON(path, v, 0o600), hresult.E_FAIL, "writing "+filepath.Base(path))
}

func hostCPUs() int { return runtime.NumCPU() }

// inheritedOpenFilesLimit is the container init's RLIMIT_NOFILE: this process's hard limit, capped at
// DefaultOpenFilesLimit, since the runtime cannot raise a limit above what it inherited.
func inheritedOpenFilesLimit() uint64 {
	var lim unix.Rlimit
	if err := unix.Getrlimit(unix.RLIMIT_NOFILE, &lim); err != nil || lim.Max == 0 {
		return DefaultOpenFilesLimit
	}
	return min(lim.Max, DefaultOpenFilesLimit)
}
