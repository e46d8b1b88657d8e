package main

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/linuxhcs/hcs/client"
	"github.com/linuxhcs/hcs/internal/testlayer"
)

// The end-to-end tests run the real hcsdiag, built with hcsd and hcs-agent into one
// directory as make does into bin/, against a real hcsd whose socket, state, runtime root,
// cgroup and agent sockets are the test's own. They need root; the daemon is started once
// for the package (daemon), and TestMain checks that nothing is left on the host.
var (
	binDir string   // hcsdiag, hcsd, hcs-agent
	daemon *hcsdRun // nil when not root
	layer  string   // a busybox root filesystem (internal/testlayer)
)

const e2eTimeout = 60 * time.Second

func TestMain(m *testing.M) {
	code := 1
	if err := setUp(); err != nil {
		fmt.Fprintln(os.Stderr, "setting up:", err)
	} else {
		code = m.Run()
	}
	if left := tearDown(); len(left) > 0 {
		fmt.Fprintf(os.Stderr, "the host was left changed:\n  %s\n", strings.Join(left, "\n  "))
		code = 1
	}
	os.Exit(code)
}

func setUp() error {
	if os.Geteuid() != 0 {
		return nil // the end-to-end tests skip (testutil.RequireRoot)
	}
	var err error
	if binDir, err = buildBinaries(); err != nil {
		return err
	}
	if layer, err = testlayer.Busybox(); err != nil {
		return err
	}
	daemon, err = startDaemon("main")
	return err
}

// buildBinaries builds the three binaries into a new directory that other users may read,
// so hcsdiag can also be run as nobody.
func buildBinaries() (string, error) {
	dir, err := os.MkdirTemp("", "hcsdiag-test-bin-")
	if err != nil {
		return "", err
	}
	os.Chmod(dir, 0o755)
	root, err := moduleRoot()
	if err != nil {
		return "", err
	}
	for _, b := range []struct{ pkg, cgo string }{{"./cmd/hcsdiag", "1"}, {"./cmd/hcsd", "1"}, {"./cmd/hcs-agent", "0"}} {
		cmd := exec.Command("go", "build", "-o", dir, b.pkg)
		cmd.Dir = root
		cmd.Env = append(os.Environ(), "CGO_ENABLED="+b.cgo)
		if out, err := cmd.CombinedOutput(); err != nil {
			return "", fmt.Errorf("go build %s: %v\n%s", b.pkg, err, out)
		}
	}
	return dir, nil
}

func moduleRoot() (string, error) {
	out, err := exec.Command("go", "env", "GOMOD").Output()
	if err != nil {
		return "", err
	}
	return filepath.Dir(strings.TrimSpace(string(out))), nil
}

// hcsdRun is one hcsd with everything it touches kept apart: its config file is also what
// a private hcsd of hcsdiag would use (HCSDIAG_HCSD_CONFIG), so no test ever reaches the
// machine's own /var/lib/hcs or /run/hcs.
type hcsdRun struct {
	base, socket, config, cgroup, agents string
	cmd                                  *exec.Cmd
	log                                  syncBuffer
}

// newHcsdRun chooses the directories of a service named name; it does not start it.
func newHcsdRun(name string) (*hcsdRun, error) {
	base, err := os.MkdirTemp("", "hcsdiag-test-"+name+"-")
	if err != nil {
		return nil, err
	}
	agents, err := os.MkdirTemp("/run", "hcsdiag-t")
	if err != nil {
		return nil, err
	}
	d := &hcsdRun{base: base, socket: filepath.Join(base, "run", "hcsd.sock"), agents: agents,
		cgroup: fmt.Sprintf("/hcsdiag-test-%d-%s", os.Getpid(), name), config: filepath.Join(base, "hcsd.json")}
	cfg := map[string]string{"StateDir": filepath.Join(base, "state"), "RuntimeRoot": filepath.Join(base, "runtime"),
		"CgroupParent": d.cgroup, "AgentSocketDir": agents, "Group": "root", "LogLevel": "debug"}
	b, _ := json.Marshal(cfg)
	return d, os.WriteFile(d.config, b, 0o600)
}

func startDaemon(name string) (*hcsdRun, error) {
	d, err := newHcsdRun(name)
	if err != nil {
		return nil, err
	}
	d.cmd = exec.Command(filepath.Join(binDir, "hcsd"), "--config", d.config, "--socket", d.socket)
	d.cmd.Stderr = &d.log
	if err := d.cmd.Start(); err != nil {
		return nil, err
	}
	deadline := time.Now().Add(e2eTimeout)
	for {
		ctx, cancel := context.WithTimeout(context.Background(), time.Second)
		c, err := client.Dial(ctx, d.socket)
		cancel()
		if err == nil {
			c.Close()
			return d, nil
		}
		if time.Now().After(deadline) {
			return nil, fmt.Errorf("hcsd never answered: %v\n%s", err, d.log.String())
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// stop ends hcsd with SIGTERM.
func (d *hcsdRun) stop() error {
	if d.cmd == nil || d.cmd.ProcessState != nil {
		return nil
	}
	d.cmd.Process.Signal(syscall.SIGTERM)
	done := make(chan error, 1)
	go func() { done <- d.cmd.Wait() }()
	select {
	case err := <-done:
		return err
	case <-time.After(e2eTimeout):
		d.cmd.Process.Kill()
		return fmt.Errorf("hcsd did not stop after SIGTERM")
	}
}

// leftovers lists what the service left behind, then removes its directories.
func (d *hcsdRun) leftovers() []string {
	var left []string
	for _, rt := range []string{"runc", "crun"} {
		out, _ := exec.Command(rt, "--root", filepath.Join(d.base, "runtime", rt), "list", "-q").Output()
		if s := strings.TrimSpace(string(out)); s != "" {
			left = append(left, rt+" containers: "+s)
		}
	}
	mounts, _ := os.ReadFile("/proc/self/mountinfo")
	for _, line := range strings.Split(string(mounts), "\n") {
		if f := strings.Fields(line); len(f) > 4 && (strings.HasPrefix(f[4], d.base) || strings.HasPrefix(f[4], os.TempDir()+"/hcsdiag-run-")) {
			left = append(left, "mount "+f[4])
		}
	}
	cgroups, _ := filepath.Glob(filepath.Join("/sys/fs/cgroup/*", d.cgroup, "*")) // cgroup v1
	v2, _ := filepath.Glob(filepath.Join("/sys/fs/cgroup", d.cgroup, "*"))
	for _, c := range append(cgroups, v2...) {
		if st, err := os.Stat(c); err == nil && st.IsDir() {
			left = append(left, "cgroup "+c)
		}
	}
	dirs, _ := filepath.Glob(filepath.Join("/sys/fs/cgroup/*", d.cgroup))
	for _, dir := range append(dirs, filepath.Join("/sys/fs/cgroup", d.cgroup)) {
		os.Remove(dir)
	}
	os.RemoveAll(d.base)
	os.RemoveAll(d.agents)
	return left
}

func tearDown() []string {
	var left []string
	if daemon != nil {
		if err := daemon.stop(); err != nil {
			left = append(left, "hcsd: "+err.Error())
		}
		left = append(left, daemon.leftovers()...)
	}
	if runs, _ := filepath.Glob(filepath.Join(os.TempDir(), "hcsdiag-run-*")); len(runs) > 0 {
		left = append(left, fmt.Sprintf("writable layers of hcsdiag run: %v", runs))
	}
	if binDir != "" {
		os.RemoveAll(binDir)
	}
	testlayer.Cleanup()
	return left
}
