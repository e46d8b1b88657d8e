package container_test

import (
	"context"
	"testing"
	"time"

	"github.com/linuxhcs/hcs/client"
	"github.com/linuxhcs/hcs/schema"
)

// pausedAnswerTime bounds how long a call on a paused system may take: none needs the
// frozen processes, so none should wait for a Resume.
const pausedAnswerTime = 5 * time.Second

func TestTerminateOfPausedSystem(t *testing.T) {
	forEachRuntime(t, func(t *testing.T, e *env) {
		sys := e.start("kill-paused-"+e.runtime, nil)
		ev := watch(t, sys.SetCallback)
		p := spawn(t, sys, schema.ProcessParameters{CommandArgs: []string{"sleep", "1000"}})
		pause(t, sys)

		mustDo(t, func(op *client.Operation) error { return sys.Terminate(op, "") })
		var exit schema.SystemExitStatus
		decode(t, ev.next(t, client.EventSystemExited).Data, &exit)
		if exit.ExitType != schema.NotificationTypeForcedExit {
			t.Errorf("SystemExited %+v, want ForcedExit", exit)
		}
		if st := p.status(t); !st.Exited {
			t.Errorf("the process of the terminated paused system: %+v", st)
		}
	})
}

func TestShutDownOfPausedSystemIsGraceful(t *testing.T) {
	forEachRuntime(t, func(t *testing.T, e *env) {
		sys := e.start("stop-paused-"+e.runtime, nil)
		ev := watch(t, sys.SetCallback)
		p := spawn(t, sys, sh(`trap 'exit 7' TERM; echo ready; sleep 1000 >/dev/null 2>&1 & wait`))
		p.stdout.waitFor(t, "ready\n")
		pause(t, sys)

		ctx, cancel := context.WithTimeout(context.Background(), pausedAnswerTime)
		defer cancel()
		if _, err := client.Do(ctx, func(op *client.Operation) error { return sys.ShutDown(op, "") }); err != nil {
			t.Errorf("ShutDown of a paused system: %v", err)
		}
		var exit schema.SystemExitStatus
		decode(t, ev.next(t, client.EventSystemExited).Data, &exit)
		if exit.ExitType != schema.NotificationTypeGracefulExit {
			t.Errorf("SystemExited %+v, want GracefulExit", exit)
		}
		if st := p.status(t); st.ExitCode != 7 || st.LastWaitResult != 0 {
			t.Errorf("process status %+v, want exit code 7 from its TERM trap", st)
		}
	})
}

func TestPausedSystemListsItsProcesses(t *testing.T) {
	forEachRuntime(t, func(t *testing.T, e *env) {
		sys := e.start("ps-paused-"+e.runtime, nil)
		p := spawn(t, sys, schema.ProcessParameters{CommandArgs: []string{"sleep", "1000"}})
		pause(t, sys)

		ctx, cancel := context.WithTimeout(context.Background(), pausedAnswerTime)
		defer cancel()
		doc, err := client.Do(ctx, func(op *client.Operation) error {
			return sys.GetProperties(op, `{"PropertyTypes":["ProcessList"]}`)
		})
		if err != nil {
			t.Fatalf("ProcessList of a paused system: %v", err)
		}
		var props schema.Properties
		decode(t, doc, &props)
		for _, pd := range props.ProcessList {
			if pd.ProcessId == p.info.ProcessID {
				return
			}
		}
		t.Errorf("ProcessList %+v lacks the sleep (pid %d)", props.ProcessList, p.info.ProcessID)
	})
}
