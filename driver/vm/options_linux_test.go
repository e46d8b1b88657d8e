package vm

import (
	"context"
	"testing"

	"github.com/linuxhcs/hcs/driver"
	"github.com/linuxhcs/hcs/hresult"
	"github.com/linuxhcs/hcs/schema"
)

// TestRefusedLifecycleOptions: options QEMU cannot honour fail with ERROR_NOT_SUPPORTED
// naming the member, before anything happens to the running guest.
func TestRefusedLifecycleOptions(t *testing.T) {
	requireVM(t)
	v := createVM(t, newTestDriver(t), vmDoc(env.kernel, env.initrd))
	v.start()
	cases := []struct {
		name string
		call func(ctx context.Context) error
		msg  string
	}{
		{"hibernate", func(ctx context.Context) error {
			return v.sys.Shutdown(ctx, &schema.ShutdownOptions{Type: schema.ShutdownTypeHibernate})
		}, "$.Type: Hibernate is not supported by the VM driver: the guest would have to hibernate to its own disk"},
		{"reboot", func(ctx context.Context) error {
			return v.sys.Shutdown(ctx, &schema.ShutdownOptions{Type: schema.ShutdownTypeReboot, Force: true})
		}, "$.Type: Reboot is not supported by the VM driver: the guest agent and its processes do not survive a reset; terminate the VM and create it again"},
		{"memory level", func(ctx context.Context) error {
			return v.sys.Pause(ctx, &schema.PauseOptions{SuspensionLevel: schema.PauseSuspensionLevelMemoryHigh})
		}, "$.SuspensionLevel: MemoryHigh is not supported by the VM driver: QEMU cannot trim a paused guest's memory; use Suspend"},
		{"template notice", func(ctx context.Context) error {
			return v.sys.Pause(ctx, &schema.PauseOptions{HostedNotification: &schema.PauseNotification{Reason: schema.PauseReasonTemplate}})
		}, "$.HostedNotification.Reason: Template is not supported by the VM driver: saving as a template is not supported"},
	}
	for _, tc := range cases {
		ctx, cancel := context.WithTimeout(context.Background(), timeout)
		err := tc.call(ctx)
		cancel()
		if got := hresult.From(err); got == nil || got.Code != hresult.ERROR_NOT_SUPPORTED || got.Message != tc.msg {
			t.Errorf("%s: %v, want ERROR_NOT_SUPPORTED: %s", tc.name, err, tc.msg)
		}
		if out, code := v.sh("echo alive"); out != "alive\n" || code != 0 {
			t.Fatalf("%s: the guest after a refused option: %q, exit %d", tc.name, out, code)
		}
	}
}

// TestShutdownForceStopsQEMU: a forced shutdown stops QEMU without asking the guest, so the
// exit is not the guest's own power-off, while the same VM paused with the options of a save
// and shut down without Force powers itself off.
func TestShutdownForceStopsQEMU(t *testing.T) {
	requireVM(t)
	d := newTestDriver(t)
	forced := createVM(t, d, vmDoc(env.kernel, env.initrd))
	forced.start()
	forced.must("Shutdown", func(ctx context.Context) error {
		return forced.sys.Shutdown(ctx, &schema.ShutdownOptions{Force: true})
	})
	if st := forced.waitExit(); st.Cause != driver.ExitStopped {
		t.Errorf("exit after a forced shutdown: %+v, want cause Stopped", st)
	}

	graceful := createVM(t, d, vmDoc(env.kernel, env.initrd))
	graceful.start()
	graceful.must("Pause", func(ctx context.Context) error {
		return graceful.sys.Pause(ctx, &schema.PauseOptions{SuspensionLevel: schema.PauseSuspensionLevelSuspend,
			HostedNotification: &schema.PauseNotification{Reason: schema.PauseReasonSave}})
	})
	graceful.must("Shutdown", func(ctx context.Context) error {
		return graceful.sys.Shutdown(ctx, &schema.ShutdownOptions{Mechanism: schema.ShutdownMechanismGuestConnection, Type: schema.ShutdownTypeShutdown})
	})
	if st := graceful.waitExit(); st.Cause != driver.ExitPoweredOff {
		t.Errorf("exit after a graceful shutdown: %+v, want cause PoweredOff", st)
	}
}
