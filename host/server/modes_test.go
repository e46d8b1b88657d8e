package server_test

import (
	"encoding/json"
	"io"
	"strings"
	"testing"

	"github.com/linuxhcs/hcs/client"
	"github.com/linuxhcs/hcs/hresult"
	"github.com/linuxhcs/hcs/schema"
)

// mode is one way for a client to reach the host.
type mode struct {
	name    string
	connect func(d *daemon, t testing.TB) *client.Client
}

var modes = []mode{
	{"embedded", (*daemon).embedded},
	{"daemon", (*daemon).dial},
}

// scenarios run unchanged against the embedded host and through the daemon's socket.
var scenarios = map[string]func(t *testing.T, c *client.Client){
	"lifecycle and events":        scenarioLifecycle,
	"stdout, stderr and exit":     scenarioStdout,
	"stdin and CloseHandle":       scenarioStdin,
	"GetInfo duplicates stdio":    scenarioGetInfo,
	"console":                     scenarioConsole,
	"terminate a process":         scenarioTerminateProcess,
	"enumerate and properties":    scenarioEnumerate,
	"open a process by pid":       scenarioOpenProcess,
	"service properties":          scenarioServiceProperties,
	"errors keep code and string": nil, // TestErrorsAreIdentical
}

func TestScenariosInBothModes(t *testing.T) {
	for name, run := range scenarios {
		if run == nil {
			continue
		}
		for _, m := range modes {
			t.Run(name+"/"+m.name, func(t *testing.T) {
				d := startDaemon(t, daemonConfig{})
				run(t, m.connect(d, t))
			})
		}
	}
}

func scenarioLifecycle(t *testing.T, c *client.Client) {
	sys := create(t, c, "life", containerDoc)
	ev := make(events, 16)
	if err := sys.SetCallback(client.EventOptionEnableOperationCallbacks, ev.callback); err != nil {
		t.Fatal(err)
	}
	if got := state(t, sys); got != "Created" {
		t.Fatalf("state after create = %s", got)
	}
	op := client.NewOperation(nil, nil)
	defer op.Close()
	if err := sys.Start(op, ""); err != nil {
		t.Fatal(err)
	}
	ev.completion(t, op)
	if _, err := op.Result(); err != nil {
		t.Fatal(err)
	}
	if got := state(t, sys); got != "Running" {
		t.Fatalf("state after start = %s", got)
	}
	if err := sys.Terminate(op, ""); err != nil {
		t.Fatal(err)
	}
	if _, err := op.Wait(ctx(t)); err != nil {
		t.Fatal(err)
	}
	exit := ev.until(t, client.EventSystemExited)
	var st schema.SystemExitStatus
	if err := json.Unmarshal([]byte(exit.Data), &st); err != nil {
		t.Fatalf("exit document %s: %v", exit.Data, err)
	}
	if _, err := sys.WaitForExit(ctx(t)); err != nil {
		t.Fatal(err)
	}
	if err := sys.Start(op, ""); err != nil {
		t.Fatal(err)
	}
	_, err := op.Wait(ctx(t))
	wantCode(t, err, hresult.HCS_E_INVALID_STATE)
}

func scenarioStdout(t *testing.T, c *client.Client) {
	sys := started(t, c, "out")
	p, info := spawn(t, sys, "printf 'hello\\n'; exit 3", false, true)
	out, err := io.ReadAll(info.StdOutput)
	if err != nil || string(out) != "hello\n" {
		t.Fatalf("stdout = %q, %v", out, err)
	}
	if st := exitStatus(t, p); !st.Exited || st.ExitCode != 3 || st.ProcessId != info.ProcessID {
		t.Fatalf("status %+v", st)
	}
}

func scenarioStdin(t *testing.T, c *client.Client) {
	sys := started(t, c, "cat")
	p, info := spawn(t, sys, "cat", true, true)
	io.WriteString(info.StdInput, "round trip")
	mustDo(t, func(op *client.Operation) error {
		return p.Modify(op, `{"Operation":"CloseHandle","CloseHandle":{"Handle":"StdIn"}}`)
	})
	out, _ := io.ReadAll(info.StdOutput)
	if string(out) != "round trip" {
		t.Fatalf("echo = %q", out)
	}
	if st := exitStatus(t, p); st.ExitCode != 0 {
		t.Fatalf("status %+v", st)
	}
}

func scenarioGetInfo(t *testing.T, c *client.Client) {
	sys := started(t, c, "info")
	p, first := spawn(t, sys, "read line; echo got $line", true, true)
	info, _, err := client.DoProcess(ctx(t), p.GetInfo)
	if err != nil {
		t.Fatal(err)
	}
	defer info.StdInput.Close()
	defer info.StdOutput.Close()
	if info.ProcessID != first.ProcessID || info.StdError != nil {
		t.Fatalf("GetInfo = %+v", info)
	}
	first.StdOutput.Close() // the duplicate still reads
	io.WriteString(info.StdInput, "x\n")
	out, _ := io.ReadAll(info.StdOutput)
	if string(out) != "got x\n" {
		t.Fatalf("through the duplicates: %q", out)
	}
}

func scenarioConsole(t *testing.T, c *client.Client) {
	sys := started(t, c, "tty")
	op := client.NewOperation(nil, nil)
	defer op.Close()
	p, err := sys.CreateProcess(`{"CommandArgs":["/bin/sh","-c","test -t 0 && echo tty"],"EmulateConsole":true,"ConsoleSize":[24,80]}`, op)
	if err != nil {
		t.Fatal(err)
	}
	defer p.Close()
	info, _, err := op.WaitAndProcessInfo(ctx(t))
	if err != nil {
		t.Fatal(err)
	}
	defer info.StdInput.Close()
	defer info.StdOutput.Close()
	buf := make([]byte, 64)
	n, _ := io.ReadAtLeast(info.StdOutput, buf, 3)
	if !strings.Contains(string(buf[:n]), "tty") {
		t.Fatalf("console output %q", buf[:n])
	}
	exitStatus(t, p)
}

func scenarioTerminateProcess(t *testing.T, c *client.Client) {
	sys := started(t, c, "kill")
	p, _ := spawn(t, sys, "sleep 60", false, false)
	ev := make(events, 4)
	if err := p.SetCallback(client.EventOptionNone, ev.callback); err != nil {
		t.Fatal(err)
	}
	mustDo(t, func(op *client.Operation) error { return p.Terminate(op, "") })
	ev.until(t, client.EventProcessExited)
	if st := exitStatus(t, p); st.ExitCode != 128+9 {
		t.Fatalf("status %+v", st)
	}
}

func scenarioEnumerate(t *testing.T, c *client.Client) {
	started(t, c, "enum-a")
	create(t, c, "enum-b", `{"Owner":"other","Container":{}}`)
	doc := mustDo(t, func(op *client.Operation) error { return c.EnumerateComputeSystems(`{"Owners":["test"]}`, op) })
	var list []schema.Properties
	if err := json.Unmarshal([]byte(doc), &list); err != nil {
		t.Fatal(err)
	}
	if len(list) != 1 || list[0].Id != "enum-a" || list[0].State != "Running" {
		t.Fatalf("enumerate = %s", doc)
	}
}

func scenarioOpenProcess(t *testing.T, c *client.Client) {
	sys := started(t, c, "openp")
	p, info := spawn(t, sys, "sleep 60", false, false)
	q, err := sys.OpenProcess(t.Context(), info.ProcessID, 0)
	if err != nil {
		t.Fatal(err)
	}
	defer q.Close()
	mustDo(t, func(op *client.Operation) error { return q.Signal(op, `{"Signal":9}`) })
	exitStatus(t, p)
	exitStatus(t, q)
}

func scenarioServiceProperties(t *testing.T, c *client.Client) {
	doc, err := c.GetServiceProperties(t.Context(), "")
	if err != nil || !json.Valid([]byte(doc)) {
		t.Fatalf("service properties = %s, %v", doc, err)
	}
}

// TestErrorsAreIdentical checks that failures reach a daemon client as the same
// *hresult.Error, string for string, as they reach an embedded one.
func TestErrorsAreIdentical(t *testing.T) {
	d := startDaemon(t, daemonConfig{})
	calls := map[string]func(c *client.Client, id string) error{
		"open unknown": func(c *client.Client, id string) error {
			_, err := c.OpenComputeSystem(t.Context(), id, client.GenericAll)
			return err
		},
		"open with no access": func(c *client.Client, id string) error { _, err := c.OpenComputeSystem(t.Context(), id, 0); return err },
		"bad config": func(c *client.Client, id string) error {
			_, err := client.Do(ctx(t), func(op *client.Operation) error {
				_, err := c.CreateComputeSystem(id, `{"VirtualMachine":{}}`, op)
				return err
			})
			return err
		},
		"process in created system": func(c *client.Client, id string) error {
			sys := create(t, c, id, containerDoc)
			defer sys.Close()
			_, err := client.Do(ctx(t), func(op *client.Operation) error {
				_, err := sys.CreateProcess(`{"CommandLine":"true"}`, op)
				return err
			})
			return err
		},
		"start twice": func(c *client.Client, id string) error {
			sys := started(t, c, id)
			defer sys.Close()
			_, err := client.Do(ctx(t), func(op *client.Operation) error { return sys.Start(op, "") })
			return err
		},
	}
	for name, call := range calls {
		t.Run(name, func(t *testing.T) {
			var got [2]error
			for i, m := range modes {
				c := m.connect(d, t)
				got[i] = call(c, name)
				c.Close()
				if _, ok := got[i].(*hresult.Error); !ok {
					t.Fatalf("%s: error %#v is not an *hresult.Error", m.name, got[i])
				}
				d.terminateAll(t)
			}
			if got[0].Error() != got[1].Error() {
				t.Fatalf("embedded: %v\ndaemon:   %v", got[0], got[1])
			}
		})
	}
}
