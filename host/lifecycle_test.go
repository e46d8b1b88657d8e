package host_test

import (
	"encoding/json"
	"fmt"
	"testing"

	"github.com/linuxhcs/hcs/client"
	"github.com/linuxhcs/hcs/hresult"
	"github.com/linuxhcs/hcs/schema"
)

// state reads the State basic property.
func state(t *testing.T, sys *client.System) schema.Properties {
	t.Helper()
	doc := mustDo(t, func(op *client.Operation) error { return sys.GetProperties(op, "") })
	var p schema.Properties
	if err := json.Unmarshal([]byte(doc), &p); err != nil {
		t.Fatalf("properties %s: %v", doc, err)
	}
	return p
}

func TestStateTableAllowedTransitions(t *testing.T) {
	f := newFixture(t)
	c := f.client()
	sys := f.create(c, "walk", containerDoc)
	steps := []struct {
		name string
		call func(op *client.Operation) error
		want schema.State
	}{
		{"start", func(op *client.Operation) error { return sys.Start(op, "") }, schema.StateRunning},
		{"pause", func(op *client.Operation) error { return sys.Pause(op, "") }, schema.StatePaused},
		{"resume", func(op *client.Operation) error { return sys.Resume(op, "") }, schema.StateRunning},
		{"pause again", func(op *client.Operation) error { return sys.Pause(op, "") }, schema.StatePaused},
		{"terminate while paused", func(op *client.Operation) error { return sys.Terminate(op, "") }, schema.StateStopped},
	}
	for _, s := range steps {
		mustDo(t, s.call)
		if got := state(t, sys).State; got != s.want {
			t.Fatalf("after %s: state %s, want %s", s.name, got, s.want)
		}
	}
}

func TestStateTableInvalidTransitions(t *testing.T) {
	type call = func(sys *client.System, op *client.Operation) error
	start := func(s *client.System, op *client.Operation) error { return s.Start(op, "") }
	pause := func(s *client.System, op *client.Operation) error { return s.Pause(op, "") }
	resume := func(s *client.System, op *client.Operation) error { return s.Resume(op, "") }
	save := func(s *client.System, op *client.Operation) error { return s.Save(op, "") }
	crash := func(s *client.System, op *client.Operation) error { return s.Crash(op, "") }
	shutdown := func(s *client.System, op *client.Operation) error { return s.ShutDown(op, "") }
	terminate := func(s *client.System, op *client.Operation) error { return s.Terminate(op, "") }
	cases := []struct {
		name  string
		setup []call
		try   call
		want  hresult.HRESULT
	}{
		{"pause when created", nil, pause, hresult.HCS_E_INVALID_STATE},
		{"resume when created", nil, resume, hresult.HCS_E_INVALID_STATE},
		{"crash when created", nil, crash, hresult.HCS_E_INVALID_STATE},
		{"start twice", []call{start}, start, hresult.HCS_E_INVALID_STATE},
		{"resume when running", []call{start}, resume, hresult.HCS_E_INVALID_STATE},
		{"save when running", []call{start}, save, hresult.HCS_E_INVALID_STATE},
		{"pause when paused", []call{start, pause}, pause, hresult.HCS_E_INVALID_STATE},
		{"start when paused", []call{start, pause}, start, hresult.HCS_E_INVALID_STATE},
		{"terminate twice", []call{start, terminate}, terminate, hresult.HCS_E_SYSTEM_ALREADY_STOPPED},
		{"shutdown after terminate", []call{start, terminate}, shutdown, hresult.HCS_E_SYSTEM_ALREADY_STOPPED},
		{"shutdown twice", []call{start, shutdown}, shutdown, hresult.HCS_E_SYSTEM_ALREADY_STOPPED},
		{"start after stop", []call{start, terminate}, start, hresult.HCS_E_INVALID_STATE},
		{"pause after stop", []call{start, terminate}, pause, hresult.HCS_E_INVALID_STATE},
	}
	f := newFixture(t)
	c := f.client()
	for i, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			sys := f.create(c, fmt.Sprintf("inv-%d", i), containerDoc)
			for _, s := range tc.setup {
				mustDo(t, func(op *client.Operation) error { return s(sys, op) })
			}
			_, err := do(t, func(op *client.Operation) error { return tc.try(sys, op) })
			wantCode(t, err, tc.want)
		})
	}
}

func TestTerminateCreatedSystemStopsIt(t *testing.T) {
	f := newFixture(t)
	c := f.client()
	sys := f.create(c, "never-started", containerDoc)
	ev := make(events, 4)
	if err := sys.SetCallback(client.EventOptionNone, ev.callback); err != nil {
		t.Fatal(err)
	}
	mustDo(t, func(op *client.Operation) error { return sys.Terminate(op, "") })
	got := ev.next(t, client.EventSystemExited)
	var st schema.SystemExitStatus
	json.Unmarshal([]byte(got.Data), &st)
	if st.ExitType != schema.NotificationTypeForcedExit {
		t.Fatalf("exit type %s, want ForcedExit", st.ExitType)
	}
	if !f.drv.System("never-started").Closed() {
		t.Fatal("driver Close was not called")
	}
}

// TestExitTypesFollowTheStopRequested: the host decides the exit type from the stop it was
// asked for, and from the driver's report only when none was.
func TestExitTypesFollowTheStopRequested(t *testing.T) {
	f := newFixture(t)
	c := f.client()
	cases := []struct {
		name string
		stop func(sys *client.System)
		want schema.NotificationType
	}{
		{"shutdown", func(s *client.System) { mustDo(t, func(op *client.Operation) error { return s.ShutDown(op, "") }) }, schema.NotificationTypeGracefulExit},
		{"terminate", func(s *client.System) { mustDo(t, func(op *client.Operation) error { return s.Terminate(op, "") }) }, schema.NotificationTypeForcedExit},
		{"crash", func(s *client.System) { mustDo(t, func(op *client.Operation) error { return s.Crash(op, "") }) }, schema.NotificationTypeUnexpectedExit},
		{"dies by itself", func(s *client.System) { f.drv.System(s.ID()).Die() }, schema.NotificationTypeUnexpectedExit},
		{"powers off by itself", func(s *client.System) { f.drv.System(s.ID()).PowerOff() }, schema.NotificationTypeGracefulExit},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			sys := f.started(c, "exit-"+tc.name)
			ev := make(events, 8)
			sys.SetCallback(client.EventOptionNone, ev.callback)
			tc.stop(sys)
			var st schema.SystemExitStatus
			json.Unmarshal([]byte(ev.until(t, client.EventSystemExited).Data), &st)
			if st.ExitType != tc.want {
				t.Fatalf("ExitType %s, want %s", st.ExitType, tc.want)
			}
			ev.none(t, 50e6)
		})
	}
}

func TestCrashSendsCrashEventsBeforeExit(t *testing.T) {
	f := newFixture(t)
	c := f.client()
	sys := f.started(c, "crashy")
	ev := make(events, 8)
	sys.SetCallback(client.EventOptionNone, ev.callback)
	mustDo(t, func(op *client.Operation) error { return sys.Crash(op, `{"Type":"CrashGuest"}`) })
	ev.next(t, client.EventSystemCrashInitiated)
	ev.next(t, client.EventSystemCrashReport)
	ev.next(t, client.EventSystemExited)
}

func TestFailedStartStopsTheSystem(t *testing.T) {
	boom := hresult.New(hresult.HCS_E_TERMINATED_DURING_START, "boom")
	f := newFixture(t, fakedriverFailOn(boom, "Start"))
	c := f.client()
	sys := f.create(c, "badstart", containerDoc)
	_, err := do(t, func(op *client.Operation) error { return sys.Start(op, "") })
	wantCode(t, err, hresult.HCS_E_TERMINATED_DURING_START)
	if p := state(t, sys); p.State != schema.StateStopped || !p.Stopped {
		t.Fatalf("after failed start: %+v", p)
	}
}
