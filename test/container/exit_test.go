package container_test

import (
	"strconv"
	"testing"

	"github.com/linuxhcs/hcs/client"
	"github.com/linuxhcs/hcs/schema"
)

func TestExitCodes(t *testing.T) {
	forEachRuntime(t, func(t *testing.T, e *env) {
		sys := e.start("exit-"+e.runtime, nil)
		for _, want := range []uint32{0, 3} {
			p := spawn(t, sys, schema.ProcessParameters{CommandArgs: []string{"/bin/sh", "-c", "exit " + strconv.Itoa(int(want))}})
			if code := p.exitCode(t); code != want {
				t.Errorf("exit %d: exit code %d", want, code)
			}
		}

		t.Run("TerminateProcess is 137", func(t *testing.T) {
			p := spawn(t, sys, schema.ProcessParameters{CommandArgs: []string{"sleep", "1000"}})
			mustDo(t, func(op *client.Operation) error { return p.Terminate(op, "") })
			if code := p.exitCode(t); code != 137 {
				t.Errorf("exit code %d, want 137", code)
			}
			// The system is unharmed.
			if out := mustRun(t, sys, "echo still here"); out != "still here\n" {
				t.Errorf("after terminating a process: %q", out)
			}
		})

		t.Run("TerminateComputeSystem ends its processes", func(t *testing.T) {
			sysEvents := watch(t, sys.SetCallback)
			p := spawn(t, sys, schema.ProcessParameters{CommandArgs: []string{"sleep", "1000"}})
			procEvents := watch(t, p.SetCallback)
			mustDo(t, func(op *client.Operation) error { return sys.Terminate(op, "") })
			var st schema.ProcessStatus
			decode(t, procEvents.next(t, client.EventProcessExited).Data, &st)
			if !st.Exited || st.ProcessId != p.info.ProcessID {
				t.Errorf("ProcessExited %+v, want Exited for pid %d", st, p.info.ProcessID)
			}
			var exit schema.SystemExitStatus
			decode(t, sysEvents.next(t, client.EventSystemExited).Data, &exit)
			if exit.ExitType != schema.NotificationTypeForcedExit {
				t.Errorf("SystemExited %+v, want ExitType ForcedExit", exit)
			}
		})
	})
}

func TestSignalReachesTheProcess(t *testing.T) {
	forEachRuntime(t, func(t *testing.T, e *env) {
		sys := e.start("signal-"+e.runtime, nil)
		// The sleep runs in the background, away from stdout, so that wait is interrupted
		// by the trapped signal at once and the stream ends with the shell.
		p := spawn(t, sys, sh(`trap 'echo got TERM; exit 5' TERM; echo ready; sleep 1000 >/dev/null 2>&1 & wait`))
		p.stdout.waitFor(t, "ready\n")
		mustDo(t, func(op *client.Operation) error { return p.Signal(op, `{"Signal":15}`) })
		if out := string(p.stdout.all(t)); out != "ready\ngot TERM\n" {
			t.Errorf("stdout %q, want the trap's output", out)
		}
		if code := p.exitCode(t); code != 5 {
			t.Errorf("exit code %d, want 5 (from the trap)", code)
		}
	})
}
