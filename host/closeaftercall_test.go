package host_test

import (
	"encoding/json"
	"fmt"
	"os"
	"testing"

	"github.com/linuxhcs/hcs/client"
	"github.com/linuxhcs/hcs/driver/fakedriver"
	"github.com/linuxhcs/hcs/schema"
)

// closeRounds repeats each close-after-call case: the call runs on a goroutine of the
// client, so one round could pass by luck of scheduling.
const closeRounds = 20

// systemCallCase is one asynchronous call on a system handle that is closed right after the
// call is made; check looks at the outcome through another handle to the same system.
type systemCallCase struct {
	name    string
	prepare func(t *testing.T, sys *client.System) // brings the system into the call's state
	call    func(sys *client.System, op *client.Operation) error
	check   func(t *testing.T, f *fixture, id string, keep *client.System, doc string)
}

func wantState(want schema.State) func(*testing.T, *fixture, string, *client.System, string) {
	return func(t *testing.T, _ *fixture, _ string, keep *client.System, _ string) {
		t.Helper()
		if got := state(t, keep).State; got != want {
			t.Fatalf("state after the call: %s, want %s", got, want)
		}
	}
}

func startSystem(t *testing.T, sys *client.System) {
	mustDo(t, func(op *client.Operation) error { return sys.Start(op, "") })
}

func startAndPause(t *testing.T, sys *client.System) {
	startSystem(t, sys)
	mustDo(t, func(op *client.Operation) error { return sys.Pause(op, "") })
}

var systemCallCases = []systemCallCase{
	{name: "Start", call: func(s *client.System, op *client.Operation) error { return s.Start(op, "") },
		check: wantState(schema.StateRunning)},
	{name: "ShutDown", prepare: startSystem, call: func(s *client.System, op *client.Operation) error { return s.ShutDown(op, "") },
		check: wantState(schema.StateStopped)},
	{name: "Terminate", prepare: startSystem, call: func(s *client.System, op *client.Operation) error { return s.Terminate(op, "") },
		check: wantState(schema.StateStopped)},
	{name: "Pause", prepare: startSystem, call: func(s *client.System, op *client.Operation) error { return s.Pause(op, "") },
		check: wantState(schema.StatePaused)},
	{name: "Resume", prepare: startAndPause, call: func(s *client.System, op *client.Operation) error { return s.Resume(op, "") },
		check: wantState(schema.StateRunning)},
	{name: "Modify", prepare: startSystem,
		call: func(s *client.System, op *client.Operation) error {
			return s.Modify(op, `{"ResourcePath":"`+fakedriver.MemoryResourcePath+`","RequestType":"Update","Settings":1536}`)
		},
		check: func(t *testing.T, f *fixture, id string, _ *client.System, _ string) {
			if got := f.drv.System(id).MemorySizeInMB(); got != 1536 {
				t.Fatalf("memory after the modify: %d MB, want 1536", got)
			}
		}},
	{name: "GetProperties", prepare: startSystem,
		call: func(s *client.System, op *client.Operation) error { return s.GetProperties(op, "") },
		check: func(t *testing.T, _ *fixture, id string, _ *client.System, doc string) {
			var p schema.Properties
			if err := json.Unmarshal([]byte(doc), &p); err != nil || p.Id != id || p.State != schema.StateRunning {
				t.Fatalf("properties %s (%v), want those of running system %s", doc, err, id)
			}
		}},
}

// A call's handle is taken when the call is made: closing the handle right after an
// asynchronous call neither fails nor drops the call.
func TestClosingSystemHandleRightAfterACallKeepsTheCall(t *testing.T) {
	f := newFixture(t)
	c := f.client()
	for _, tc := range systemCallCases {
		t.Run(tc.name, func(t *testing.T) {
			for i := range closeRounds {
				closeAfterSystemCall(t, f, c, tc, fmt.Sprintf("close-after-%s-%d", tc.name, i))
			}
		})
	}
}

func closeAfterSystemCall(t *testing.T, f *fixture, c *client.Client, tc systemCallCase, id string) {
	t.Helper()
	sys := f.create(c, id, containerDoc)
	keep, err := c.OpenComputeSystem(ctx(t), id, client.GenericAll)
	if err != nil {
		t.Fatal(err)
	}
	defer keep.Close()
	if tc.prepare != nil {
		tc.prepare(t, sys)
	}
	op := client.NewOperation(nil, nil)
	defer op.Close()
	if err := tc.call(sys, op); err != nil {
		t.Fatalf("the call: %v", err)
	}
	sys.Close()
	doc, err := op.Wait(ctx(t))
	if err != nil {
		t.Fatalf("the call, its handle closed right after it was made: %v", err)
	}
	tc.check(t, f, id, keep, doc)
	do(t, func(op *client.Operation) error { return keep.Terminate(op, "") }) // stopped already, or now
}

// CreateProcess keeps its system handle too: the process is created with the system handle
// closed right after the call.
func TestClosingSystemHandleRightAfterCreateProcessKeepsTheCall(t *testing.T) {
	f := newFixture(t)
	c := f.client()
	sys := f.started(c, "close-after-create-process")
	for range closeRounds {
		keep, err := c.OpenComputeSystem(ctx(t), "close-after-create-process", client.GenericAll)
		if err != nil {
			t.Fatal(err)
		}
		op := client.NewOperation(nil, nil)
		p, err := sys.CreateProcess(`{"CommandArgs":["/bin/sh","-c","exit 7"]}`, op)
		if err != nil {
			t.Fatal(err)
		}
		sys.Close()
		info, _, err := op.WaitAndProcessInfo(ctx(t))
		op.Close()
		if err != nil || info.ProcessID == 0 {
			t.Fatalf("CreateProcess, the system handle closed right after the call: pid %d, %v", info.ProcessID, err)
		}
		if st := exitStatus(t, p); st.ExitCode != 7 {
			t.Fatalf("process status %+v, want exit code 7", st)
		}
		p.Close()
		sys = keep
	}
	sys.Close()
}

// processCallCase is one asynchronous call on a process handle that is closed right after
// the call is made; check looks at the outcome through another handle to the process.
type processCallCase struct {
	name  string
	call  func(p *client.Process, op *client.Operation) error
	check func(t *testing.T, watch *client.Process, op *client.Operation, doc string)
}

func wantExitCode(code uint32) func(*testing.T, *client.Process, *client.Operation, string) {
	return func(t *testing.T, watch *client.Process, _ *client.Operation, _ string) {
		t.Helper()
		if st := exitStatus(t, watch); st.ExitCode != code {
			t.Fatalf("process status %+v, want exit code %d", st, code)
		}
	}
}

var processCallCases = []processCallCase{
	{name: "Terminate", call: func(p *client.Process, op *client.Operation) error { return p.Terminate(op, "") },
		check: wantExitCode(137)},
	{name: "Signal", call: func(p *client.Process, op *client.Operation) error { return p.Signal(op, `{"Signal":15}`) },
		check: wantExitCode(143)},
	{name: "Modify", call: func(p *client.Process, op *client.Operation) error {
		return p.Modify(op, `{"Operation":"CloseHandle","CloseHandle":{"Handle":"StdIn"}}`)
	}, check: wantExitCode(0)}, // cat ends at the end of its input
	{name: "GetProperties", call: func(p *client.Process, op *client.Operation) error { return p.GetProperties(op, "") },
		check: func(t *testing.T, watch *client.Process, _ *client.Operation, doc string) {
			var st schema.ProcessStatus
			if err := json.Unmarshal([]byte(doc), &st); err != nil || st.ProcessId != watch.ID() || st.Exited {
				t.Fatalf("process properties %s (%v), want those of running process %d", doc, err, watch.ID())
			}
		}},
	{name: "GetInfo", call: func(p *client.Process, op *client.Operation) error { return p.GetInfo(op) },
		check: func(t *testing.T, watch *client.Process, op *client.Operation, _ string) {
			info, _, err := op.ResultAndProcessInfo()
			if err != nil || info.ProcessID != watch.ID() {
				t.Fatalf("process information: pid %d (%v), want %d", info.ProcessID, err, watch.ID())
			}
			for _, f := range []*os.File{info.StdInput, info.StdOutput, info.StdError} {
				if f != nil {
					f.Close()
				}
			}
		}},
}

func TestClosingProcessHandleRightAfterACallKeepsTheCall(t *testing.T) {
	f := newFixture(t)
	sys := f.started(f.client(), "close-after-process-call")
	for _, tc := range processCallCases {
		t.Run(tc.name, func(t *testing.T) {
			for range closeRounds {
				closeAfterProcessCall(t, sys, tc)
			}
		})
	}
}

func closeAfterProcessCall(t *testing.T, sys *client.System, tc processCallCase) {
	t.Helper()
	p, _ := spawn(t, sys, "exec cat", true, true, false)
	watch, err := sys.OpenProcess(ctx(t), p.ID(), client.GenericAll)
	if err != nil {
		t.Fatal(err)
	}
	defer watch.Close()
	defer client.Do(ctx(t), func(op *client.Operation) error { return watch.Terminate(op, "") })
	op := client.NewOperation(nil, nil)
	defer op.Close()
	if err := tc.call(p, op); err != nil {
		t.Fatalf("the call: %v", err)
	}
	p.Close()
	doc, err := op.Wait(ctx(t))
	if err != nil {
		t.Fatalf("the call, its handle closed right after it was made: %v", err)
	}
	tc.check(t, watch, op, doc)
}
