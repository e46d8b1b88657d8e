package hcsdtest

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync/atomic"
	"syscall"
	"time"

	"github.com/linuxhcs/hcs/client"
	"github.com/linuxhcs/hcs/internal/testutil"
)

// Timeout bounds starting hcsd, stopping it and each clean-up call.
const Timeout = 60 * time.Second

// Options says which hcsd to run.
type Options struct {
	// Bin is the directory holding hcsd and hcs-agent (see Build).
	Bin string
	// Name tells this service's directories and cgroup apart from others of the same test
	// process.
	Name string
	// Runtime is the OCI runtime, "runc" or "crun"; empty leaves the choice to hcsd.
	Runtime string
}

// Daemon is one isolated hcsd. Its fields say where it keeps everything; its methods are
// for one goroutine at a time.
type Daemon struct {
	// Base holds the socket, config file, state directory and runtime root.
	Base string
	// Socket is where hcsd listens; Config is its config file.
	Socket, Config string
	// StateDir and RuntimeRoot are hcsd's --state-dir and --runtime-root.
	StateDir, RuntimeRoot string
	// AgentDir holds the agents' sockets; it sits in /run because socket paths are short.
	AgentDir string
	// Cgroup is the cgroup parent of the service's containers.
	Cgroup string
	// Env is added to hcsd's environment by the next Start, after the test process's own:
	// how a test sets faultpoint.Env or a PATH with wrapped runtimes.
	Env []string

	bin    string
	cmd    *exec.Cmd
	exited chan error // receives hcsd's exit; nil while it is not running
	log    testutil.Buffer
}

// seq numbers the services of this test process.
var seq atomic.Int64

// NewDaemon chooses the service's directories, creates them and writes its config file. It
// does not start hcsd.
func NewDaemon(opts Options) (*Daemon, error) {
	base, err := os.MkdirTemp("", "hcsd-test-"+opts.Name+"-")
	if err != nil {
		return nil, err
	}
	agents, err := os.MkdirTemp("/run", "hcst")
	if err != nil {
		os.RemoveAll(base)
		return nil, err
	}
	d := &Daemon{Base: base, Socket: filepath.Join(base, "run", "hcsd.sock"), Config: filepath.Join(base, "hcsd.json"),
		StateDir: filepath.Join(base, "state"), RuntimeRoot: filepath.Join(base, "runtime"), AgentDir: agents,
		Cgroup: fmt.Sprintf("/hcsd-test-%d-%d-%s", os.Getpid(), seq.Add(1), opts.Name), bin: opts.Bin}
	cfg, _ := json.Marshal(map[string]string{"StateDir": d.StateDir, "RuntimeRoot": d.RuntimeRoot,
		"CgroupParent": d.Cgroup, "AgentSocketDir": agents, "Runtime": opts.Runtime, "Group": "root", "LogLevel": "debug"})
	if err := os.WriteFile(d.Config, cfg, 0o600); err != nil {
		d.removeDirs()
		return nil, err
	}
	return d, nil
}

// Start runs hcsd and waits until it answers on Socket. It may be called again after Stop
// or Kill: the new hcsd finds the state of the old one.
func (d *Daemon) Start() error {
	if d.Running() {
		return errors.New("hcsd is already running")
	}
	cmd := exec.Command(filepath.Join(d.bin, "hcsd"), "--config", d.Config, "--socket", d.Socket)
	cmd.Stderr = &d.log
	cmd.Env = append(os.Environ(), d.Env...)
	if err := cmd.Start(); err != nil {
		return err
	}
	exited := make(chan error, 1)
	go func() { exited <- cmd.Wait() }()
	d.cmd, d.exited = cmd, exited
	return d.awaitReady()
}

// awaitReady polls the socket until hcsd answers, exits or Timeout passes.
func (d *Daemon) awaitReady() error {
	deadline := time.Now().Add(Timeout)
	for {
		c, err := d.Dial()
		if err == nil {
			c.Close()
			return nil
		}
		select {
		case werr := <-d.exited:
			d.exited = nil
			return fmt.Errorf("hcsd exited before it answered: %v\n%s", werr, d.Log())
		case <-time.After(20 * time.Millisecond):
		}
		if time.Now().After(deadline) {
			d.Kill()
			return fmt.Errorf("hcsd does not answer on %s: %v\n%s", d.Socket, err, d.Log())
		}
	}
}

// Dial connects a client to the service, trying for at most a second.
func (d *Daemon) Dial() (*client.Client, error) {
	ctx, cancel := context.WithTimeout(context.Background(), time.Second)
	defer cancel()
	return client.Dial(ctx, d.Socket)
}

// Running reports whether hcsd was started and has not been seen to exit.
func (d *Daemon) Running() bool { return d.exited != nil }

// Pid returns the process id of the running hcsd, or 0.
func (d *Daemon) Pid() int {
	if !d.Running() {
		return 0
	}
	return d.cmd.Process.Pid
}

// Stop ends hcsd with SIGTERM, as a service manager does, and returns its exit error: nil
// for a clean exit. The compute systems keep running. After Timeout hcsd is killed.
func (d *Daemon) Stop() error {
	if !d.Running() {
		return nil
	}
	d.cmd.Process.Signal(syscall.SIGTERM)
	select {
	case err := <-d.exited:
		d.exited = nil
		return err
	case <-time.After(Timeout):
		d.Kill()
		return fmt.Errorf("hcsd still running %v after SIGTERM", Timeout)
	}
}

// Kill ends hcsd with SIGKILL: no clean-up of any kind.
func (d *Daemon) Kill() {
	if !d.Running() {
		return
	}
	d.cmd.Process.Kill()
	<-d.exited
	d.exited = nil
}

// AwaitExit waits at most timeout for hcsd to exit by itself and returns how it ended; ok
// is false when it was not running or still runs.
func (d *Daemon) AwaitExit(timeout time.Duration) (status error, ok bool) {
	if !d.Running() {
		return nil, false
	}
	select {
	case status = <-d.exited:
		d.exited = nil
		return status, true
	case <-time.After(timeout):
		return nil, false
	}
}

// RacesIn reports whether an hcsd built with the race detector (RaceEnv) reported a data
// race in its log.
func (d *Daemon) RacesIn() bool { return strings.Contains(d.Log(), "WARNING: DATA RACE") }

// Log returns what hcsd has written to its standard error so far, at debug level.
func (d *Daemon) Log() string { return d.log.String() }
