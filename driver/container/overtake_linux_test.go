package container_test

import (
	"context"
	"sync/atomic"
	"testing"
	"time"

	"github.com/linuxhcs/hcs/driver"
	"github.com/linuxhcs/hcs/driver/container"
	"github.com/linuxhcs/hcs/driver/drivertest"
	"github.com/linuxhcs/hcs/schema"
)

// overtakeDelay holds each spawn's pid back long enough for the agent to report the exit of
// a process that exits at once.
const overtakeDelay = 500 * time.Millisecond

// TestExitOvertakesSpawnReply holds the spawn reply back until the agent has reported the
// process's exit: the exit is still delivered exactly once, with its code, to the pid the
// spawn returned, and before CreateProcess returned (it was waiting for the pid).
func TestExitOvertakesSpawnReply(t *testing.T) {
	d := newDriver(t, "crun")
	container.SetSpawnReturned(d, func(int) { time.Sleep(overtakeDelay) })
	rec := drivertest.NewRecorder()
	sys := startBusybox(t, d, rec)
	for i, c := range []struct {
		args []string
		want uint32
	}{{[]string{"/bin/true"}, 0}, {[]string{"/bin/sh", "-c", "exit 7"}, 7}, {[]string{"/bin/false"}, 1}} {
		var returned atomic.Bool
		var deliveredEarly atomic.Bool
		req := driver.ProcessRequest{Params: &schema.ProcessParameters{CommandArgs: c.args}, OnExit: func(pid, code uint32) {
			deliveredEarly.Store(!returned.Load())
			rec.ProcessExited(pid, code)
		}}
		ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
		p, err := sys.CreateProcess(ctx, req)
		returned.Store(true)
		cancel()
		if err != nil {
			t.Fatalf("%d: CreateProcess %v: %v", i, c.args, err)
		}
		if code, ok := rec.WaitProcessExited(p.Pid(), 20*time.Second); !ok || code != c.want {
			t.Fatalf("%d: %v (pid %d): exit %d, %v; want %d", i, c.args, p.Pid(), code, ok, c.want)
		}
		if !deliveredEarly.Load() {
			t.Errorf("%d: %v: the exit did not overtake the spawn reply", i, c.args)
		}
		time.Sleep(100 * time.Millisecond)
		if codes := rec.ProcessExits(p.Pid()); len(codes) != 1 {
			t.Errorf("%d: %v (pid %d): exits delivered %v, want exactly one", i, c.args, p.Pid(), codes)
		}
	}
}

// startBusybox creates and starts a busybox container; clean-up terminates and closes it.
func startBusybox(t *testing.T, d driver.Driver, rec *drivertest.Recorder) driver.System {
	t.Helper()
	return startBusyboxWith(t, d, driver.CreateRequest{ID: "overtake", Config: busyboxConfig(t), StateDir: t.TempDir(), Notify: rec})
}

// startBusyboxWith creates and starts the container req describes; clean-up terminates and
// closes it.
func startBusyboxWith(t *testing.T, d driver.Driver, req driver.CreateRequest) driver.System {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	sys, err := d.Create(ctx, req)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		if err := sys.Terminate(ctx); err != nil {
			t.Errorf("Terminate: %v", err)
		}
		if err := sys.Close(ctx); err != nil {
			t.Errorf("Close: %v", err)
		}
	})
	if err := sys.Start(ctx); err != nil {
		t.Fatal(err)
	}
	return sys
}
