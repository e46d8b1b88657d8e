package container_test

import (
	"context"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
	"time"

	"golang.org/x/sys/unix"

	"github.com/linuxhcs/hcs/driver"
	"github.com/linuxhcs/hcs/driver/container"
	"github.com/linuxhcs/hcs/driver/drivertest"
)

// TestRecoverLeavesTheAgentToReattach reattaches to a running container whose agent cannot
// be reached. Recover itself never talks to the agent, so it succeeds; the part that does,
// Recovered.Reattach (which the host runs in the background), fails, and the container is
// still the creator's to stop.
func TestRecoverLeavesTheAgentToReattach(t *testing.T) {
	d := newDriver(t, "runc")
	first := drivertest.NewRecorder()
	req := driver.CreateRequest{ID: "unreachable", Config: busyboxConfig(t), StateDir: t.TempDir(), Notify: first}
	sys := startBusyboxWith(t, d, req)
	if err := os.Remove(container.AgentSocketOf(sys)); err != nil {
		t.Fatal(err)
	}

	req.Notify = drivertest.NewRecorder()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	got, err := d.Recover(ctx, req)
	if err != nil {
		t.Fatalf("Recover: %v", err)
	}
	if got.Reattach == nil {
		t.Fatal("Recover left nothing to reattach the agent with")
	}
	rctx, rcancel := context.WithTimeout(ctx, 5*time.Second)
	defer rcancel()
	if _, err := got.Reattach(rctx); err == nil {
		t.Fatal("Reattach reached an agent without a socket")
	}
	if err := sys.Terminate(ctx); err != nil {
		t.Fatal(err)
	}
	if _, ok := first.WaitExited(10 * time.Second); !ok {
		t.Fatal("the container's end was not reported to its creator")
	}
	got.System.Close(context.Background())
}

// TestRecoverDeletesAHalfMadeRuntimeContainer leaves a container in the runtime's "created"
// state, as a service killed in the middle of starting it can: its record has no init.
// Recover must delete the runtime's entry, so the system starts again.
func TestRecoverDeletesAHalfMadeRuntimeContainer(t *testing.T) {
	d := newDriver(t, "runc")
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	req := driver.CreateRequest{ID: "half-made", Config: busyboxConfig(t), StateDir: t.TempDir(), Notify: drivertest.NewRecorder()}
	sys, err := d.Create(ctx, req)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { sys.Close(context.Background()) })
	rid, bundle := container.RuntimeIDOf(sys), filepath.Join(req.StateDir, "bundle")
	t.Cleanup(func() { exec.Command("runc", "--root", d.Runtime().Root, "delete", "--force", rid).Run() })
	create := exec.CommandContext(ctx, "runc", "--root", d.Runtime().Root, "create", "--bundle", bundle, rid)
	logPath := filepath.Join(t.TempDir(), "create.log")
	logf, err := os.Create(logPath) // a file, not a pipe: the waiting init keeps its stdio open
	if err != nil {
		t.Fatal(err)
	}
	defer logf.Close()
	create.Stdout, create.Stderr = logf, logf
	if err := create.Run(); err != nil {
		out, _ := os.ReadFile(logPath)
		t.Fatalf("runc create: %v: %s", err, out)
	}

	initPid := runtimeInitPid(t, d.Runtime().Root, rid)

	got, err := d.Recover(ctx, req)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { got.System.Terminate(context.Background()); got.System.Close(context.Background()) })
	// runc create's init was ours to reap (the driver makes this process a subreaper);
	// Recover's delete has killed it. ECHILD: the driver's own reaper got there first.
	unix.Wait4(initPid, nil, 0, nil)
	if got.Started {
		t.Fatal("a container whose init never ran was recovered as started")
	}
	if err := got.System.Start(ctx); err != nil {
		t.Fatalf("Start after recovery: %v", err)
	}
}

// runtimeInitPid asks runc for the pid of container rid's init.
func runtimeInitPid(t *testing.T, root, rid string) int {
	t.Helper()
	out, err := exec.Command("runc", "--root", root, "state", rid).Output()
	var st struct{ Pid int }
	if err == nil {
		err = json.Unmarshal(out, &st)
	}
	if err != nil || st.Pid <= 0 {
		t.Fatalf("runc state %s: %v: %s", rid, err, out)
	}
	return st.Pid
}
