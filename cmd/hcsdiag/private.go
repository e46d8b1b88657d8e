package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"time"

	"golang.org/x/sys/unix"

	"github.com/linuxhcs/hcs/client"
	"github.com/linuxhcs/hcs/hresult"
)

// configEnv names a config file (hcsd --config) for the private hcsd; without it the private
// service uses hcsd's defaults.
const configEnv = "HCSDIAG_HCSD_CONFIG"

// hcsd's default state directory, and the directory of its default socket, runtime root
// and agent sockets. Variables only so that tests can point them away from the host's.
var (
	defaultStateDir = "/var/lib/hcs"
	defaultRunDir   = "/run/hcs"
)

// How long a private hcsd gets to answer (it reattaches the systems of its state directory
// first), and to stop.
const (
	privateStartTimeout = time.Minute
	privateStopTimeout  = 45 * time.Second
)

// privateService is an hcsd that hcsdiag started for one command, on a socket in a private
// 0700 directory. It holds a lock in the state directory so that two commands never run two
// services on the same state at once.
type privateService struct {
	cmd    *exec.Cmd
	dir    string
	lock   *os.File
	log    *tailBuffer
	done   chan struct{} // closed when hcsd has exited
	client *client.Client
}

// startPrivate starts hcsd and connects to it. The config file is read first: one hcsd would
// refuse must not have hcsdiag make a state directory and lock on the way.
func startPrivate(ctx context.Context, stderr io.Writer) (*privateService, error) {
	cfg := os.Getenv(configEnv)
	settings, err := readSettings(cfg)
	if err != nil {
		return nil, err
	}
	bin, err := findHcsd()
	if err != nil {
		return nil, err
	}
	lock, err := lockState(ctx, settings.StateDir, stderr)
	if err != nil {
		return nil, err
	}
	p := &privateService{lock: lock, log: &tailBuffer{max: 64 << 10}, done: make(chan struct{})}
	if p.dir, err = os.MkdirTemp("", "hcsdiag-private-"); err != nil {
		lock.Close()
		return nil, hresult.Wrap(err, hresult.E_FAIL, "private service")
	}
	if settings.RuntimeRoot == "" || settings.AgentSocketDir == "" {
		// hcsd makes its default socket's directory, /run/hcs, 0755. The container driver
		// would make it 0700 on the way to /run/hcs/agents, closing the socket a later hcsd
		// puts there to its group: make it as hcsd does.
		os.Mkdir(defaultRunDir, 0o755)
	}
	socket := filepath.Join(p.dir, "hcsd.sock")
	args := []string{"--socket", socket}
	if cfg != "" {
		args = append([]string{"--config", cfg}, args...)
	}
	p.cmd = exec.Command(bin, args...)
	p.cmd.Stdout, p.cmd.Stderr = p.log, p.log
	// Its own process group keeps the terminal's Ctrl-C away from it; it is told to stop
	// should hcsdiag die first.
	p.cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true, Pdeathsig: syscall.SIGTERM}
	if err := p.cmd.Start(); err != nil {
		p.cleanup()
		return nil, hresult.Wrap(err, hresult.HCS_E_SERVICE_NOT_AVAILABLE, "starting "+bin)
	}
	go func() { p.cmd.Wait(); close(p.done) }()
	if p.client, err = p.await(ctx, socket); err != nil {
		p.stop()
		return nil, err
	}
	return p, nil
}

// await dials until the service answers, exits, or the start time is up.
func (p *privateService) await(ctx context.Context, socket string) (*client.Client, error) {
	deadline := time.Now().Add(privateStartTimeout)
	for {
		c, err := dial(ctx, socket)
		if err == nil {
			return c, nil
		}
		select {
		case <-p.done:
			return nil, hresult.Errorf(hresult.HCS_E_SERVICE_NOT_AVAILABLE, "the private hcsd exited: %s", p.log.lastLines(5))
		case <-ctx.Done():
			return nil, ctx.Err()
		case <-time.After(20 * time.Millisecond):
		}
		if time.Now().After(deadline) {
			return nil, annotate(err, "the private hcsd did not answer within "+privateStartTimeout.String())
		}
	}
}

// stop sends SIGTERM (systems keep running), waits for the exit, and removes what start made.
func (p *privateService) stop() error {
	if p.client != nil {
		p.client.Close()
	}
	p.cmd.Process.Signal(syscall.SIGTERM)
	var err error
	select {
	case <-p.done:
		if st := p.cmd.ProcessState; st != nil && !st.Success() {
			err = hresult.Errorf(hresult.E_FAIL, "the private hcsd stopped with %v: %s", st, p.log.lastLines(5))
		}
	case <-time.After(privateStopTimeout):
		p.cmd.Process.Kill()
		<-p.done
		err = hresult.Errorf(hresult.E_FAIL, "the private hcsd did not stop within %v and was killed", privateStopTimeout)
	}
	p.cleanup()
	return err
}

func (p *privateService) cleanup() {
	os.RemoveAll(p.dir)
	p.lock.Close()
}

// findHcsd looks for hcsd next to hcsdiag, then on PATH.
func findHcsd() (string, error) {
	if self, err := os.Executable(); err == nil {
		next := filepath.Join(filepath.Dir(self), "hcsd")
		if st, err := os.Stat(next); err == nil && st.Mode().IsRegular() && st.Mode()&0o111 != 0 {
			return next, nil
		}
	}
	p, err := exec.LookPath("hcsd")
	if err != nil {
		return "", hresult.New(hresult.HCS_E_SERVICE_NOT_AVAILABLE,
			"hcsd is not running, and no hcsd binary was found next to hcsdiag or on PATH to start a private one")
	}
	return p, nil
}

// hcsdSettings are the settings of hcsd's config file hcsdiag needs to know.
type hcsdSettings struct {
	StateDir, RuntimeRoot, AgentSocketDir string
}

// readSettings reads them from configFile, when one is named; StateDir defaults to hcsd's
// default. A file that is missing, unreadable or not a JSON object, or a relative directory
// in it, is an error naming the file: the private hcsd would refuse it.
func readSettings(configFile string) (hcsdSettings, error) {
	var cfg hcsdSettings
	if configFile != "" {
		where := configEnv + ": config file " + configFile
		b, err := os.ReadFile(configFile)
		if err != nil {
			var pe *fs.PathError
			if errors.As(err, &pe) {
				err = pe.Err // where names the file already
			}
			if code := hresult.FromError(err); code.Generic() {
				return cfg, hresult.Wrap(err, hresult.E_INVALIDARG, where) // a directory, say
			}
			return cfg, hresult.Wrap(err, 0, where)
		}
		if err := json.Unmarshal(b, &cfg); err != nil {
			return cfg, hresult.Wrap(err, hresult.HCS_E_INVALID_JSON, where)
		}
		if err := cfg.checkPaths(where); err != nil {
			return cfg, err
		}
	}
	if cfg.StateDir == "" {
		cfg.StateDir = defaultStateDir
	}
	return cfg, nil
}

// checkPaths refuses relative directories, which hcsdiag would otherwise create in its
// working directory.
func (c hcsdSettings) checkPaths(where string) error {
	for name, p := range map[string]string{"StateDir": c.StateDir, "RuntimeRoot": c.RuntimeRoot, "AgentSocketDir": c.AgentSocketDir} {
		if p != "" && !filepath.IsAbs(p) {
			return hresult.Errorf(hresult.E_INVALIDARG, "%s: %s %q is not an absolute path", where, name, p)
		}
	}
	return nil
}

// lockState takes hcsdiag.lock in the state directory, waiting (and saying so) while
// another hcsdiag's private service holds it.
func lockState(ctx context.Context, dir string, stderr io.Writer) (*os.File, error) {
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, hresult.Wrap(err, hresult.E_FAIL, "state directory")
	}
	f, err := os.OpenFile(filepath.Join(dir, "hcsdiag.lock"), os.O_RDWR|os.O_CREATE|unix.O_NOFOLLOW|unix.O_CLOEXEC, 0o600)
	if err != nil {
		return nil, hresult.Wrap(err, hresult.E_FAIL, "state directory lock")
	}
	said := false
	for {
		err := unix.Flock(int(f.Fd()), unix.LOCK_EX|unix.LOCK_NB)
		if err == nil {
			return f, nil
		}
		if !errors.Is(err, unix.EWOULDBLOCK) {
			f.Close()
			return nil, hresult.Wrap(err, hresult.E_FAIL, "state directory lock")
		}
		if !said {
			fmt.Fprintln(stderr, "hcsdiag: waiting for another hcsdiag command's private service to finish (start hcsd to run commands side by side)")
			said = true
		}
		select {
		case <-ctx.Done():
			f.Close()
			return nil, ctx.Err()
		case <-time.After(100 * time.Millisecond):
		}
	}
}

// tailBuffer keeps the last max bytes written to it: the private service's log, shown when
// it fails.
type tailBuffer struct {
	mu  sync.Mutex
	max int
	b   []byte
}

func (t *tailBuffer) Write(p []byte) (int, error) {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.b = append(t.b, p...)
	if len(t.b) > t.max {
		t.b = t.b[len(t.b)-t.max:]
	}
	return len(p), nil
}

// lastLines returns the last n lines, joined with " | ".
func (t *tailBuffer) lastLines(n int) string {
	t.mu.Lock()
	defer t.mu.Unlock()
	lines := strings.Split(strings.TrimSpace(string(t.b)), "\n")
	if len(lines) > n {
		lines = lines[len(lines)-n:]
	}
	if len(lines) == 1 && lines[0] == "" {
		return "(no output)"
	}
	return strings.Join(lines, " | ")
}
