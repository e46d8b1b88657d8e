package container_test

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
	"time"

	"github.com/linuxhcs/hcs/driver"
	"github.com/linuxhcs/hcs/driver/container"
	"github.com/linuxhcs/hcs/driver/drivertest"
)

// TestFailedRecoverReportsNoExit reattaches to a running container whose agent cannot be
// reached: Recover fails, and the host releases the system with Cleanup. The container's
// later end must not be reported on the notifier of that failed Recover: the host would
// tear down, a second time and concurrently with Cleanup, a system it never registered.
func TestFailedRecoverReportsNoExit(t *testing.T) {
	d := newDriver(t, "runc")
	first := drivertest.NewRecorder()
	req := driver.CreateRequest{ID: "unreachable", Config: busyboxConfig(t), StateDir: t.TempDir(), Notify: first}
	sys := startBusyboxWith(t, d, req)
	if err := os.Remove(container.AgentSocketOf(sys)); err != nil {
		t.Fatal(err)
	}

	again := drivertest.NewRecorder()
	req.Notify = again
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if _, err := d.Recover(ctx, req); err == nil {
		t.Fatal("Recover reattached to an agent without a socket")
	}
	if err := sys.Terminate(ctx); err != nil {
		t.Fatal(err)
	}
	if _, ok := first.WaitExited(10 * time.Second); !ok {
		t.Fatal("the container's end was not reported to its creator")
	}
	if _, ok := again.WaitExited(time.Second); ok {
		t.Fatal("a Recover that failed reported the container's end")
	}
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

	got, err := d.Recover(ctx, req)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { got.System.Terminate(context.Background()); got.System.Close(context.Background()) })
	if got.Started {
		t.Fatal("a container whose init never ran was recovered as started")
	}
	if err := got.System.Start(ctx); err != nil {
		t.Fatalf("Start after recovery: %v", err)
	}
}
