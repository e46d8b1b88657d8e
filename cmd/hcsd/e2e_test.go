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
	"github.com/linuxhcs/hcs/internal/hcsdtest"
	"github.com/linuxhcs/hcs/internal/testlayer"
	"github.com/linuxhcs/hcs/internal/testutil"
	"github.com/linuxhcs/hcs/storage"
)

func TestMain(m *testing.M) {
	code := m.Run()
	testlayer.Cleanup()
	os.Exit(code)
}

const e2eTimeout = hcsdtest.Timeout

// daemonRun is one isolated hcsd (internal/hcsdtest) that uses runtime.
type daemonRun struct {
	*hcsdtest.Daemon
	runtime string
}

// buildBinaries builds hcsd and hcs-agent into one directory, as make does into bin/.
func buildBinaries(t *testing.T) string {
	dir := t.TempDir()
	if err := hcsdtest.Build(dir, hcsdtest.Hcsd, hcsdtest.Agent); err != nil {
		t.Fatal(err)
	}
	return dir
}

// newDaemonRun chooses the directories of an hcsd that uses runtime.
func newDaemonRun(t *testing.T, bin, runtime string) *daemonRun {
	return &daemonRun{hcsdtest.New(t, hcsdtest.Options{Bin: bin, Name: runtime, Runtime: runtime}), runtime}
}

// start runs hcsd and waits until it answers.
func (d *daemonRun) start(t *testing.T) {
	if err := d.Start(); err != nil {
		t.Fatal(err)
	}
}

// stop sends SIGTERM and checks that hcsd exits 0.
func (d *daemonRun) stop(t *testing.T) {
	if err := d.Stop(); err != nil {
		t.Fatalf("hcsd after SIGTERM: %v", err)
	}
}

// dial connects to hcsd, closing the client at the end of the test.
func (d *daemonRun) dial(t *testing.T) *client.Client {
	c, err := d.Dial()
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	return c
}

// withEachRuntime runs body once under runc and once under crun, each against an hcsd of its
// own, with the busybox layer.
func withEachRuntime(t *testing.T, body func(t *testing.T, d *daemonRun, layer string)) {
	t.Helper()
	testutil.RequireRoot(t)
	layer, err := testlayer.Busybox()
	if err != nil {
		t.Fatal(err)
	}
	bin := buildBinaries(t)
	for _, rt := range []string{"runc", "crun"} {
		t.Run(rt, func(t *testing.T) { body(t, newDaemonRun(t, bin, rt), layer) })
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
			var rid string
			t.Cleanup(func() { d.removeContainer(t, rid, rw) })
			d.start(t)
			c := d.dial(t)
			sys := runBusybox(t, c, id, layer, rw)
			rid = d.runtimeID(t, id)
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
			if _, err := os.Stat(d.Socket); !os.IsNotExist(err) {
				t.Errorf("socket left behind: %v", err)
			}
			d.checkRunning(t, rid)

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

// stateRoot is the runtime's --root: the driver keeps one per runtime under RuntimeRoot.
func (d *daemonRun) stateRoot() string { return filepath.Join(d.RuntimeRoot, d.runtime) }

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

// runtimeID returns the name hcsd's container driver gave system id's runtime container, as
// recorded in its state.
func (d *daemonRun) runtimeID(t *testing.T, id string) string {
	t.Helper()
	return testutil.ReadContainerRecord(t, filepath.Join(d.StateDir, "systems", id)).RuntimeID
}

// removeContainer deletes the container rid (when known) with its runtime and detaches its
// root filesystem.
func (d *daemonRun) removeContainer(t *testing.T, rid, rw string) {
	if rid != "" {
		if out, err := exec.Command(d.runtime, "--root", d.stateRoot(), "delete", "-f", rid).CombinedOutput(); err != nil {
			t.Logf("%s delete: %v: %s", d.runtime, err, out)
		}
	}
	if attached, _ := storage.IsAttached(rw); attached {
		if err := storage.Detach(rw); err != nil {
			t.Errorf("detaching %s: %v", rw, err)
		}
	}
}
