package container_test

import (
	"context"
	"os"
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
