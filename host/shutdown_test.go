package host_test

import (
	"context"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/linuxhcs/hcs/client"
	"github.com/linuxhcs/hcs/driver/fakedriver"
	"github.com/linuxhcs/hcs/host"
	"github.com/linuxhcs/hcs/hresult"
	"github.com/linuxhcs/hcs/schema"
)

// newShortShutdownFixture is newFixture with a graceful-shutdown limit short enough to
// reach in a test.
func newShortShutdownFixture(t *testing.T, opts ...fakedriver.Option) *fixture {
	t.Helper()
	drv := fakedriver.New(opts...)
	dir := t.TempDir()
	h := newHost(t, host.Options{Container: drv, StateDir: dir, ShutdownTimeout: 200 * time.Millisecond})
	return &fixture{t: t, h: h, drv: drv, stateDir: dir}
}

// exitOf stops sys with stop and returns the SystemExited status it reported.
func exitOf(t *testing.T, sys *client.System, stop func()) schema.SystemExitStatus {
	t.Helper()
	ev := make(events, 8)
	sys.SetCallback(client.EventOptionNone, ev.callback)
	stop()
	var st schema.SystemExitStatus
	json.Unmarshal([]byte(ev.until(t, client.EventSystemExited).Data), &st)
	return st
}

// TestShutdownThatTimesOutReportsTheTermination: a graceful shutdown that does not finish
// in time is escalated to a terminate, and both the operation and the exit say so.
func TestShutdownThatTimesOutReportsTheTermination(t *testing.T) {
	hang := func(ctx context.Context, _ string) error { <-ctx.Done(); return ctx.Err() }
	f := newShortShutdownFixture(t, fakedriver.WithHook(hang, fakedriver.OpShutdown))
	sys := f.started(f.client(), "stuck")
	var err error
	st := exitOf(t, sys, func() { _, err = do(t, func(op *client.Operation) error { return sys.ShutDown(op, "") }) })
	wantCode(t, err, hresult.HCS_E_TERMINATED)
	if want := `compute system "stuck": the graceful shutdown did not finish within 200ms; the system was terminated`; !strings.Contains(err.Error(), want) {
		t.Errorf("error %q, want it to contain %q", err, want)
	}
	if st.ExitType != schema.NotificationTypeForcedExit || st.Status != hresult.HCS_E_TERMINATED.Int32() {
		t.Errorf("exit %+v, want ForcedExit with Status HCS_E_TERMINATED", st)
	}
}

// TestShutdownThatFailsReportsTheTermination: a graceful shutdown the driver fails is
// escalated the same way, naming the failure.
func TestShutdownThatFailsReportsTheTermination(t *testing.T) {
	f := newShortShutdownFixture(t, fakedriver.FailOn(hresult.New(hresult.HCS_E_CONNECTION_CLOSED, "the agent went away"), fakedriver.OpShutdown))
	sys := f.started(f.client(), "broken")
	_, err := do(t, func(op *client.Operation) error { return sys.ShutDown(op, "") })
	wantCode(t, err, hresult.HCS_E_TERMINATED)
	if want := "the graceful shutdown failed: the agent went away; the system was terminated"; !strings.Contains(err.Error(), want) {
		t.Errorf("error %q, want it to contain %q", err, want)
	}
	if got := state(t, sys); got.State != schema.StateStopped || got.ExitType != schema.NotificationTypeForcedExit {
		t.Errorf("state %s exit %s, want Stopped after a ForcedExit", got.State, got.ExitType)
	}
}

// TestRefusedShutdownLeavesTheSystemRunning: options the driver refuses fail the call with
// the driver's code; nothing is terminated and a later stop is reported as what it was.
func TestRefusedShutdownLeavesTheSystemRunning(t *testing.T) {
	refusal := hresult.New(hresult.ERROR_NOT_SUPPORTED, "$.Type: Hibernate is not supported")
	f := newShortShutdownFixture(t, fakedriver.FailOn(refusal, fakedriver.OpShutdown))
	sys := f.started(f.client(), "kept")
	_, err := do(t, func(op *client.Operation) error { return sys.ShutDown(op, `{"Type":"Hibernate"}`) })
	wantCode(t, err, hresult.ERROR_NOT_SUPPORTED)
	if got := state(t, sys).State; got != schema.StateRunning {
		t.Fatalf("state %s after a refused shutdown, want Running", got)
	}
	st := exitOf(t, sys, func() { f.drv.System("kept").PowerOff() })
	if st.ExitType != schema.NotificationTypeGracefulExit || st.Status != 0 {
		t.Errorf("exit %+v, want the guest's own GracefulExit", st)
	}
}

// TestForcedShutdownIsAForcedExit: ShutdownOptions.Force stops the system as Terminate does
// and the exit says so.
func TestForcedShutdownIsAForcedExit(t *testing.T) {
	f := newFixture(t)
	sys := f.started(f.client(), "forced")
	st := exitOf(t, sys, func() {
		mustDo(t, func(op *client.Operation) error { return sys.ShutDown(op, `{"Force":true,"Reason":"maintenance"}`) })
	})
	if st.ExitType != schema.NotificationTypeForcedExit || st.Status != 0 {
		t.Errorf("exit %+v, want ForcedExit with Status 0", st)
	}
}
