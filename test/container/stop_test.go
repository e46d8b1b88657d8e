package container_test

import (
	"testing"

	"github.com/linuxhcs/hcs/client"
	"github.com/linuxhcs/hcs/schema"
)

func TestCrashReportsAndExitsUnexpectedly(t *testing.T) {
	forEachRuntime(t, func(t *testing.T, e *env) {
		id := "crash-" + e.runtime
		sys := e.start(id, nil)
		ev := watch(t, sys.SetCallback)
		p := spawn(t, sys, schema.ProcessParameters{CommandArgs: []string{"sleep", "1000"}})

		mustDo(t, func(op *client.Operation) error { return sys.Crash(op, "") })
		for _, typ := range []client.EventType{client.EventSystemCrashInitiated, client.EventSystemCrashReport} {
			var report schema.CrashReport
			decode(t, ev.next(t, typ).Data, &report)
			if report.SystemId != id {
				t.Errorf("event %#x: CrashReport %+v, want SystemId %q", typ, report, id)
			}
		}
		var exit schema.SystemExitStatus
		decode(t, ev.next(t, client.EventSystemExited).Data, &exit)
		if exit.ExitType != schema.NotificationTypeUnexpectedExit {
			t.Errorf("SystemExited %+v, want ExitType UnexpectedExit", exit)
		}
		if st := p.status(t); !st.Exited {
			t.Errorf("the process of the crashed system: %+v", st)
		}
		props := properties(t, sys)
		if props.State != schema.StateStopped || props.ExitType != schema.NotificationTypeUnexpectedExit {
			t.Errorf("after the crash: State %q ExitType %q, want Stopped and UnexpectedExit", props.State, props.ExitType)
		}
	})
}

func TestShutDownIsGraceful(t *testing.T) {
	forEachRuntime(t, func(t *testing.T, e *env) {
		sys := e.start("shutdown-"+e.runtime, nil)
		sysEvents := watch(t, sys.SetCallback)
		p := spawn(t, sys, sh(`trap 'echo got TERM; exit 7' TERM; echo ready; sleep 1000 >/dev/null 2>&1 & wait`))
		procEvents := watch(t, p.SetCallback)
		p.stdout.waitFor(t, "ready\n")

		mustDo(t, func(op *client.Operation) error { return sys.ShutDown(op, "") })
		if out := string(p.stdout.all(t)); out != "ready\ngot TERM\n" {
			t.Errorf("stdout %q: the process did not run its TERM trap", out)
		}
		var st schema.ProcessStatus
		decode(t, procEvents.next(t, client.EventProcessExited).Data, &st)
		if !st.Exited || st.LastWaitResult != 0 || st.ExitCode != 7 {
			t.Errorf("ProcessExited %+v, want the trap's own exit code 7 with LastWaitResult 0", st)
		}
		var exit schema.SystemExitStatus
		decode(t, sysEvents.next(t, client.EventSystemExited).Data, &exit)
		if exit.ExitType != schema.NotificationTypeGracefulExit {
			t.Errorf("SystemExited %+v, want ExitType GracefulExit", exit)
		}
	})
}
