package vm

import (
	"context"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/linuxhcs/hcs/driver"
	"github.com/linuxhcs/hcs/driver/drivertest"
	"github.com/linuxhcs/hcs/schema"
)

// abandon drops the system's connections without stopping QEMU, as a crash of the service
// would.
func (s *System) abandon() {
	if sess := s.agent.Get(); sess != nil {
		sess.Close()
	}
	if m := s.monitor(); m != nil {
		m.Close()
	}
	s.mu.Lock()
	if s.consoleConn != nil {
		s.consoleConn.Close()
	}
	s.mu.Unlock()
}

// crashAndRecover drops the VM as a crash of the service would and recovers it with d,
// returning the recovered VM (ended with the test) and what Recover said. Reattach is left to
// the caller.
func (v *vm) crashAndRecover(ctx context.Context, d *Driver, doc *schema.ComputeSystem) (*vm, driver.Recovered) {
	v.t.Helper()
	v.sys.abandon()
	rec := drivertest.NewRecorder()
	r, err := d.Recover(ctx, driver.CreateRequest{ID: v.id, Config: doc, StateDir: v.stateDir, Notify: rec})
	if err != nil {
		v.t.Fatalf("Recover: %v", err)
	}
	v2 := &vm{t: v.t, id: v.id, sys: r.System.(*System), rec: rec}
	v.t.Cleanup(v2.cleanup)
	return v2, r
}

// TestRecover reattaches to a running VM after its service "restarted": the guest process
// started before is adopted and new processes run.
func TestRecover(t *testing.T) {
	requireVM(t)
	d := newTestDriver(t)
	doc := vmDoc(env.kernel, env.initrd)
	v := createVM(t, d, doc)
	v.start()
	sleeper := v.spawnBackground("exec sleep 1000")
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	defer cancel()
	v2, r := v.crashAndRecover(ctx, d, doc)
	if !r.Started || r.Paused == nil || *r.Paused || r.Reattach == nil {
		t.Fatalf("recovered %+v, want started, found running, with the guest left to Reattach", r)
	}
	procs, err := r.Reattach(ctx)
	if err != nil || len(procs) != 1 || procs[0].Pid() != sleeper {
		t.Fatalf("Reattach = %v, %v; want process %d", procs, err, sleeper)
	}
	if out, code := v2.sh("echo after restart"); code != 0 || !strings.Contains(out, "after restart") {
		t.Errorf("a process after the recovery: %q, exit %d", out, code)
	}
	v2.must("Kill", procs[0].Kill)
	if code, ok := v2.rec.WaitProcessExited(sleeper, timeout); !ok || code != 137 {
		t.Errorf("the adopted process's exit: %d, %v; want 137", code, ok)
	}
	v2.must("Terminate", v2.sys.Terminate)
	if st := v2.waitExit(); st.Cause != driver.ExitStopped {
		t.Errorf("exit %+v, want ForcedExit", st)
	}
}

// TestRecoverPausedWaitsForResume: a VM found paused is recovered at once, reported paused,
// and its guest agent reconnected only once it is resumed.
func TestRecoverPausedWaitsForResume(t *testing.T) {
	requireVM(t)
	d := newTestDriver(t)
	doc := vmDoc(env.kernel, env.initrd)
	v := createVM(t, d, doc)
	v.start()
	sleeper := v.spawnBackground("exec sleep 1000")
	v.must("Pause", func(ctx context.Context) error { return v.sys.Pause(ctx, nil) })
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	defer cancel()
	v2, r := v.crashAndRecover(ctx, d, doc)
	if r.Paused == nil || !*r.Paused {
		t.Fatalf("recovered %+v, want it found paused", r)
	}
	type result struct {
		procs []driver.Process
		err   error
	}
	reattached := make(chan result, 1)
	go func() { p, err := r.Reattach(ctx); reattached <- result{p, err} }()
	select {
	case got := <-reattached:
		t.Fatalf("Reattach returned (%v, %v) while the guest was paused", got.procs, got.err)
	case <-time.After(time.Second):
	}
	v2.must("Resume", v2.sys.Resume)
	got := <-reattached
	if got.err != nil || len(got.procs) != 1 || got.procs[0].Pid() != sleeper {
		t.Fatalf("Reattach after the resume = %v, %v; want process %d", got.procs, got.err, sleeper)
	}
	if out, code := v2.sh("echo resumed"); code != 0 || !strings.Contains(out, "resumed") {
		t.Errorf("a process after the resume: %q, exit %d", out, code)
	}
	v2.must("Terminate", v2.sys.Terminate)
	v2.waitExit()
}

// TestCleanup releases what a VM left: QEMU is killed and the run directory removed.
func TestCleanup(t *testing.T) {
	requireVM(t)
	d := newTestDriver(t)
	doc := vmDoc(env.kernel, env.initrd)
	v := createVM(t, d, doc)
	v.start()
	v.sys.abandon()
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	defer cancel()
	req := driver.CreateRequest{ID: v.id, Config: doc, StateDir: v.stateDir, Notify: drivertest.NewRecorder()}
	if err := d.Cleanup(ctx, req); err != nil {
		t.Fatalf("Cleanup: %v", err)
	}
	if _, ok := v.rec.WaitExited(timeout); !ok {
		t.Error("QEMU still runs after Cleanup")
	}
	if _, err := os.Stat(v.sys.run); !os.IsNotExist(err) {
		t.Errorf("run directory after Cleanup: %v", err)
	}
	if err := d.Cleanup(ctx, req); err != nil {
		t.Errorf("a second Cleanup: %v", err)
	}
}
