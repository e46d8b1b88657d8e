package container_test

import (
	"testing"

	"github.com/linuxhcs/hcs/client"
	"github.com/linuxhcs/hcs/hresult"
	"github.com/linuxhcs/hcs/schema"
)

// TestShutDownForceKillsAtOnce: ShutdownOptions.Force skips the graceful stop, so a
// process's TERM trap never runs, and the exit is a ForcedExit.
func TestShutDownForceKillsAtOnce(t *testing.T) {
	forEachRuntime(t, func(t *testing.T, e *env) {
		sys := e.start("force-"+e.runtime, nil)
		sysEvents := watch(t, sys.SetCallback)
		p := spawn(t, sys, sh(`trap 'echo got TERM; exit 7' TERM; echo ready; sleep 1000 >/dev/null 2>&1 & wait`))
		p.stdout.waitFor(t, "ready\n")

		mustDo(t, func(op *client.Operation) error { return sys.ShutDown(op, `{"Force":true,"Reason":"test"}`) })
		if out := string(p.stdout.all(t)); out != "ready\n" {
			t.Errorf("stdout %q: a forced shutdown ran the TERM trap", out)
		}
		if code := p.exitCode(t); code != 137 {
			t.Errorf("exit code %d, want 137 (SIGKILL)", code)
		}
		var exit schema.SystemExitStatus
		decode(t, sysEvents.next(t, client.EventSystemExited).Data, &exit)
		if exit.ExitType != schema.NotificationTypeForcedExit {
			t.Errorf("SystemExited %+v, want ExitType ForcedExit", exit)
		}
	})
}

// TestRefusedLifecycleOptions: each option a container cannot honour fails its call with
// ERROR_NOT_SUPPORTED and a message naming the member, and the container keeps running.
func TestRefusedLifecycleOptions(t *testing.T) {
	e := newEnv(t, "runc", "embedded")
	sys := e.start("refused-options", nil)
	shutdown := func(doc string) func(op *client.Operation) error {
		return func(op *client.Operation) error { return sys.ShutDown(op, doc) }
	}
	pause := func(doc string) func(op *client.Operation) error {
		return func(op *client.Operation) error { return sys.Pause(op, doc) }
	}
	cases := []struct {
		name string
		call func(op *client.Operation) error
		msg  string
	}{
		{"hibernate", shutdown(`{"Type":"Hibernate"}`), "$.Type: Hibernate is not supported by containers: a container has no memory image to hibernate"},
		{"reboot", shutdown(`{"Type":"Reboot","Force":true}`), "$.Type: Reboot is not supported by containers: a container cannot restart its init in place; terminate it and create it again"},
		{"integration service", shutdown(`{"Mechanism":"IntegrationService"}`), "$.Mechanism: IntegrationService is not supported by containers: a container has no integration services; use GuestConnection"},
		{"memory level", pause(`{"SuspensionLevel":"MemoryLow"}`), "$.SuspensionLevel: MemoryLow is not supported by containers: a container is paused by freezing its processes; use Suspend"},
		{"hosted save", pause(`{"HostedNotification":{"Reason":"Save"}}`), "$.HostedNotification.Reason: Save is not supported by containers: a container hosts no systems to notify"},
	}
	for _, tc := range cases {
		_, err := client.Do(timeout(t), tc.call)
		if got := hresult.From(err); got == nil || got.Code != hresult.ERROR_NOT_SUPPORTED || got.Message != tc.msg {
			t.Errorf("%s: %v, want ERROR_NOT_SUPPORTED: %s", tc.name, err, tc.msg)
		}
		if st := properties(t, sys).State; st != schema.StateRunning {
			t.Fatalf("%s: state %s after a refused option, want Running", tc.name, st)
		}
	}
}

// TestHonouredLifecycleOptions: the options a container honours work as documented.
func TestHonouredLifecycleOptions(t *testing.T) {
	e := newEnv(t, "runc", "embedded")
	sys := e.start("honoured-options", nil)
	sysEvents := watch(t, sys.SetCallback)
	mustDo(t, func(op *client.Operation) error {
		return sys.Pause(op, `{"SuspensionLevel":"Suspend","HostedNotification":{"Reason":"None"}}`)
	})
	if st := properties(t, sys).State; st != schema.StatePaused {
		t.Fatalf("state %s after Pause, want Paused", st)
	}
	mustDo(t, func(op *client.Operation) error { return sys.Resume(op, "") })
	mustDo(t, func(op *client.Operation) error {
		return sys.ShutDown(op, `{"Mechanism":"GuestConnection","Type":"Shutdown","Force":false,"Reason":"test"}`)
	})
	var exit schema.SystemExitStatus
	decode(t, sysEvents.next(t, client.EventSystemExited).Data, &exit)
	if exit.ExitType != schema.NotificationTypeGracefulExit || exit.Status != 0 {
		t.Errorf("SystemExited %+v, want a GracefulExit with Status 0", exit)
	}
}
