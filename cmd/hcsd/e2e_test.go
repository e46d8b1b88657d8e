package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/linuxhcs/hcs/client"
	"github.com/linuxhcs/hcs/internal/testlayer"
	"github.com/linuxhcs/hcs/internal/testutil"
	"github.com/linuxhcs/hcs/storage"
)

func TestMain(m *testing.M) {
	code := m.Run()
	testlayer.Cleanup()
	os.Exit(code)
}

const e2eTimeout = 60 * time.Second

// daemonRun is one hcsd process with everything it touches kept apart from other tests.
type daemonRun struct {
	cmd         *exec.Cmd
	args        []string
	bin         string // hcsd and hcs-agent
	socket      string
	runtime     string
	runtimeRoot string
	cgroup      string
	log         *strings.Builder
}

// buildBinaries builds hcsd and hcs-agent into one directory, as make does into bin/.
func buildBinaries(t *testing.T) string {
	dir := t.TempDir()
	root := testutil.ModuleRoot(t)
	for _, b := range []struct{ pkg, cgo string }{{"./cmd/hcsd", "1"}, {"./cmd/hcs-agent", "0"}} {
		cmd := exec.Command("go", "build", "-o", dir, b.pkg)
		cmd.Dir = root
		cmd.Env = append(os.Environ(), "CGO_ENABLED="+b.cgo)
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("go build %s: %v\n%s", b.pkg, err, out)
		}
	}
	return dir
}

// newDaemonRun chooses the directories of an hcsd that uses runtime.
func newDaemonRun(t *testing.T, bin, runtime string) *daemonRun {
	base := t.TempDir()
	agents, err := os.MkdirTemp("/run", "hcs-e2e")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(agents) })
	d := &daemonRun{bin: bin, socket: filepath.Join(base, "run", "hcsd.sock"), runtime: runtime,
		runtimeRoot: filepath.Join(base, "runtime"), cgroup: fmt.Sprintf("/hcs-e2e-%d", os.Getpid()), log: &strings.Builder{}}
	d.args = []string{"--socket", d.socket, "--state-dir", filepath.Join(base, "state"),
		"--runtime", runtime, "--runtime-root", d.runtimeRoot, "--cgroup-parent", d.cgroup,
		"--agent-socket-dir", agents, "--group", "root", "--log-level", "debug"}
	t.Cleanup(func() {
		if t.Failed() {
			t.Logf("hcsd log:\n%s", d.log.String())
		}
	})
	return d
}

// start runs hcsd; it is killed at the end of the test if still running.
func (d *daemonRun) start(t *testing.T) {
	cmd := exec.Command(filepath.Join(d.bin, "hcsd"), d.args...)
	cmd.Stderr = d.log
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	d.cmd = cmd
	t.Cleanup(func() {
		if cmd.ProcessState == nil {
			cmd.Process.Kill()
			cmd.Wait()
		}
	})
}

// stop sends SIGTERM and checks that hcsd exits 0.
func (d *daemonRun) stop(t *testing.T) {
	d.cmd.Process.Signal(syscall.SIGTERM)
	if err := waitExit(d.cmd, e2eTimeout); err != nil {
		t.Fatalf("hcsd after SIGTERM: %v", err)
	}
}

// dial connects once hcsd answers.
func (d *daemonRun) dial(t *testing.T) *client.Client {
	deadline := time.Now().Add(e2eTimeout)
	for {
		ctx, cancel := context.WithTimeout(context.Background(), time.Second)
		c, err := client.Dial(ctx, d.socket)
		cancel()
		if err == nil {
			t.Cleanup(func() { c.Close() })
			return c
		}
		if time.Now().After(deadline) {
			t.Fatalf("hcsd never answered: %v", err)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

func TestHcsdRunsContainersThatOutliveIt(t *testing.T) {
	testutil.RequireRoot(t)
	layer, err := testlayer.Busybox()
	if err != nil {
		t.Fatal(err)
	}
	bin := buildBinaries(t)
	for _, rt := range []string{"runc", "crun"} {
		t.Run(rt, func(t *testing.T) {
			d := newDaemonRun(t, bin, rt)
			rw := filepath.Join(t.TempDir(), "rw")
			id := "e2e-" + rt
			t.Cleanup(func() { d.removeContainer(t, "hcs-"+id, rw) })
			d.start(t)
			c := d.dial(t)
			sys := runBusybox(t, c, id, layer, rw)
			disconnected := make(chan client.Event, 4)
			sys.SetCallback(client.EventOptionNone, func(ev client.Event) { disconnected <- ev })

			d.stop(t)
			select {
			case ev := <-disconnected:
				if ev.Type != client.EventServiceDisconnect {
					t.Fatalf("event %#x, want EventServiceDisconnect", ev.Type)
				}
			case <-time.After(e2eTimeout):
				t.Fatal("the client was not told that hcsd went away")
			}
			if _, err := os.Stat(d.socket); !os.IsNotExist(err) {
				t.Errorf("socket left behind: %v", err)
			}
			d.checkRunning(t, "hcs-"+id)

			d.start(t) // the service comes back and finds its container
			useAgain(t, d.dial(t), id)
			d.stop(t)
		})
	}
}

// useAgain opens a system by id through a new hcsd, runs a process in it and terminates it.
func useAgain(t *testing.T, c *client.Client, id string) {
	ctx, cancel := context.WithTimeout(context.Background(), e2eTimeout)
	defer cancel()
	sys, err := c.OpenComputeSystem(t.Context(), id, client.GenericAll)
	if err != nil {
		t.Fatalf("the restarted hcsd does not know %s: %v", id, err)
	}
	defer sys.Close()
	info, _, err := client.DoProcess(ctx, func(op *client.Operation) error {
		p, err := sys.CreateProcess(`{"CommandArgs":["/bin/echo","again"],"CreateStdOutPipe":true}`, op)
		if err == nil {
			defer p.Close()
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	out, _ := io.ReadAll(info.StdOutput)
	info.StdOutput.Close()
	if string(out) != "again\n" {
		t.Fatalf("process in the recovered container wrote %q", out)
	}
	if _, err := client.Do(ctx, func(op *client.Operation) error { return sys.Terminate(op, "") }); err != nil {
		t.Fatal(err)
	}
	if _, err := sys.WaitForExit(ctx); err != nil {
		t.Fatal(err)
	}
}

// runBusybox creates and starts a busybox container and runs one process in it.
func runBusybox(t *testing.T, c *client.Client, id, layer, rw string) *client.System {
	ctx, cancel := context.WithTimeout(context.Background(), e2eTimeout)
	defer cancel()
	doc := fmt.Sprintf(`{"SchemaVersion":{"Major":2,"Minor":1},"Owner":"e2e","Container":{"Storage":{"Layers":[{"Id":"00000000-0000-0000-0000-000000000001","Path":%q}],"Path":%q}}}`, layer, rw)
	var sys *client.System
	if _, err := client.Do(ctx, func(op *client.Operation) (err error) { sys, err = c.CreateComputeSystem(id, doc, op); return err }); err != nil {
		t.Fatal(err)
	}
	if _, err := client.Do(ctx, func(op *client.Operation) error { return sys.Start(op, "") }); err != nil {
		t.Fatal(err)
	}
	var p *client.Process
	info, _, err := client.DoProcess(ctx, func(op *client.Operation) (err error) {
		p, err = sys.CreateProcess(`{"CommandArgs":["/bin/sh","-c","echo hello from $(hostname); exit 7"],"CreateStdOutPipe":true}`, op)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	defer p.Close()
	out, _ := io.ReadAll(info.StdOutput)
	info.StdOutput.Close()
	if !strings.HasPrefix(string(out), "hello from ") {
		t.Fatalf("process output %q", out)
	}
	doc, err = p.WaitForExit(ctx)
	if err != nil || !strings.Contains(doc, `"ExitCode":7`) {
		t.Fatalf("exit %s, %v", doc, err)
	}
	return sys
}

func waitExit(cmd *exec.Cmd, timeout time.Duration) error {
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	select {
	case err := <-done:
		return err
	case <-time.After(timeout):
		cmd.Process.Kill()
		return fmt.Errorf("still running after %v", timeout)
	}
}

// stateRoot is the runtime's --root: the driver keeps one per runtime under RuntimeRoot.
func (d *daemonRun) stateRoot() string { return filepath.Join(d.runtimeRoot, d.runtime) }

// checkRunning asks the runtime whether the container still runs, and checks its init.
func (d *daemonRun) checkRunning(t *testing.T, rid string) {
	out, err := exec.Command(d.runtime, "--root", d.stateRoot(), "state", rid).Output()
	if err != nil {
		ee, _ := err.(*exec.ExitError)
		t.Fatalf("%s state %s: %v: %s", d.runtime, rid, err, ee.Stderr)
	}
	var st struct {
		Status string `json:"status"`
		Pid    int    `json:"pid"`
	}
	if err := json.Unmarshal(out, &st); err != nil {
		t.Fatalf("%s state: %s: %v", d.runtime, out, err)
	}
	if st.Status != "running" || st.Pid <= 0 || syscall.Kill(st.Pid, 0) != nil {
		t.Fatalf("after hcsd stopped, the container is %s with init pid %d", st.Status, st.Pid)
	}
}

// removeContainer deletes the container with its runtime and detaches its root filesystem.
func (d *daemonRun) removeContainer(t *testing.T, rid, rw string) {
	if out, err := exec.Command(d.runtime, "--root", d.stateRoot(), "delete", "-f", rid).CombinedOutput(); err != nil {
		t.Logf("%s delete: %v: %s", d.runtime, err, out)
	}
	if attached, _ := storage.IsAttached(rw); attached {
		if err := storage.Detach(rw); err != nil {
			t.Errorf("detaching %s: %v", rw, err)
		}
	}
	dirs, _ := filepath.Glob(filepath.Join("/sys/fs/cgroup/*", d.cgroup))
	for _, dir := range append(dirs, filepath.Join("/sys/fs/cgroup", d.cgroup)) {
		os.Remove(dir)
	}
}
