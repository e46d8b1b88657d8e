package fakedriver_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/linuxhcs/hcs/driver"
	"github.com/linuxhcs/hcs/driver/drivertest"
	"github.com/linuxhcs/hcs/driver/fakedriver"
	"github.com/linuxhcs/hcs/hresult"
	"github.com/linuxhcs/hcs/schema"
)

var errInjected = errors.New("injected")

func TestFailOnCreate(t *testing.T) {
	d := fakedriver.New(fakedriver.FailOn(errInjected, fakedriver.OpCreate))
	req := driver.CreateRequest{ID: "x", Config: containerConfig(t), Notify: drivertest.NewRecorder()}
	if _, err := d.Create(context.Background(), req); err != errInjected {
		t.Fatalf("Create: %v, want the injected error", err)
	}
	if d.System("x") != nil || len(d.Systems()) != 0 {
		t.Error("a failed Create left a system behind")
	}
}

func TestFailOnLifecycle(t *testing.T) {
	f := newFixture(t, fakedriver.FailOn(errInjected, fakedriver.Lifecycle...))
	ctx := context.Background()
	calls := map[string]error{
		"Start":     f.sys.Start(ctx),
		"Shutdown":  f.sys.Shutdown(ctx, nil),
		"Terminate": f.sys.Terminate(ctx),
		"Crash":     f.sys.Crash(ctx, nil),
		"Pause":     f.sys.Pause(ctx, nil),
		"Resume":    f.sys.Resume(ctx),
		"Save":      f.sys.Save(ctx, nil),
	}
	for name, err := range calls {
		if err != errInjected {
			t.Errorf("%s: %v, want the injected error", name, err)
		}
	}
	if got := f.sys.State(); got != "Created" {
		t.Errorf("state after failed calls: %s, want Created", got)
	}
	if err := f.sys.Properties(ctx, nil, &schema.Properties{}); err != nil {
		t.Errorf("Properties is not a lifecycle call but failed: %v", err)
	}
}

func TestFailOnCloseStillCleansUp(t *testing.T) {
	f := started(t, fakedriver.FailOn(errInjected, fakedriver.OpClose))
	p := f.spawn("exec sleep 1000")
	if err := f.sys.Close(context.Background()); err != errInjected {
		t.Fatalf("Close: %v, want the injected error", err)
	}
	if !gone(p.Pid()) || !f.sys.Closed() {
		t.Errorf("Close did not clean up (process gone %v, closed %v)", gone(p.Pid()), f.sys.Closed())
	}
}

func TestBlockOn(t *testing.T) {
	release := make(chan struct{})
	f := newFixture(t, fakedriver.BlockOn(release, fakedriver.OpStart))
	done := make(chan error, 1)
	go func() { done <- f.sys.Start(context.Background()) }()
	select {
	case err := <-done:
		t.Fatalf("Start returned %v before release", err)
	case <-time.After(50 * time.Millisecond):
	}
	close(release)
	if err := <-done; err != nil {
		t.Fatalf("Start after release: %v", err)
	}
	if got := f.sys.State(); got != "Running" {
		t.Errorf("state %s, want Running", got)
	}
}

func TestBlockOnHonoursContext(t *testing.T) {
	f := started(t, fakedriver.BlockOn(make(chan struct{}), fakedriver.OpTerminate))
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Millisecond)
	defer cancel()
	if err := f.sys.Terminate(ctx); !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("Terminate: %v, want the context's deadline", err)
	}
	if got := f.sys.State(); got != "Running" {
		t.Errorf("state %s, want Running", got)
	}
}

func TestWithHookSeesID(t *testing.T) {
	var seen []string
	hook := func(_ context.Context, id string) error {
		seen = append(seen, id)
		return nil
	}
	f := started(t, fakedriver.WithHook(hook, fakedriver.OpCreate, fakedriver.OpStart))
	if want := f.sys.ID(); len(seen) != 2 || seen[0] != want || seen[1] != want {
		t.Errorf("hook saw %q, want %q twice", seen, want)
	}
}

func TestDie(t *testing.T) {
	f := started(t)
	p := f.spawn("exec sleep 1000")
	f.sys.Die()
	f.sys.Die()
	st := f.exited()
	if st.Cause != driver.ExitStopped || st.Status != hresult.HCS_E_UNEXPECTED_EXIT.Int32() {
		t.Errorf("Exited %+v, want cause Stopped with HCS_E_UNEXPECTED_EXIT", st)
	}
	if code, ok := f.rec.WaitProcessExited(p.Pid(), timeout); !ok || code != 137 {
		t.Errorf("process exit %d (reported %v), want 137", code, ok)
	}
	if n := len(f.rec.Exits()); n != 1 {
		t.Errorf("Exited reported %d times", n)
	}
	if got := f.sys.State(); got != "Stopped" {
		t.Errorf("state %s, want Stopped", got)
	}
}

func TestDieBeforeStartDoesNothing(t *testing.T) {
	f := newFixture(t)
	f.sys.Die()
	if len(f.rec.Exits()) != 0 || f.sys.State() != "Created" {
		t.Errorf("Die of a created system: exits %+v, state %s", f.rec.Exits(), f.sys.State())
	}
}

func TestCloseKillsAndRecords(t *testing.T) {
	f := started(t)
	p := f.spawn("sleep 1000; sleep 1000")
	if f.sys.Closed() {
		t.Fatal("Closed before Close")
	}
	if err := f.sys.Close(context.Background()); err != nil {
		t.Fatal(err)
	}
	if !f.sys.Closed() || f.sys.CloseCalls() != 1 {
		t.Errorf("Closed %v, CloseCalls %d", f.sys.Closed(), f.sys.CloseCalls())
	}
	if !gone(p.Pid()) || len(f.sys.Pids()) != 0 {
		t.Errorf("process %d survived Close", p.Pid())
	}
	if exits := f.rec.Exits(); len(exits) != 1 || exits[0].Cause != driver.ExitStopped {
		t.Errorf("Close of a running system reported %+v, want one exit with cause Stopped", exits)
	}
}
