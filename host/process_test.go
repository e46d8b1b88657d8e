package host_test

import (
	"encoding/json"
	"fmt"
	"io"
	"strings"
	"testing"

	"github.com/linuxhcs/hcs/client"
	"github.com/linuxhcs/hcs/driver/fakedriver"
	"github.com/linuxhcs/hcs/hresult"
	"github.com/linuxhcs/hcs/schema"
)

// spawn starts a shell command with the requested pipes and returns its handle and info.
func spawn(t *testing.T, sys *client.System, script string, stdin, stdout, stderr bool) (*client.Process, client.ProcessInformation) {
	t.Helper()
	params := fmt.Sprintf(`{"CommandArgs":["/bin/sh","-c",%q],"CreateStdInPipe":%v,"CreateStdOutPipe":%v,"CreateStdErrPipe":%v}`,
		script, stdin, stdout, stderr)
	op := client.NewOperation(nil, nil)
	defer op.Close()
	p, err := sys.CreateProcess(params, op)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { p.Close() })
	info, _, err := op.WaitAndProcessInfo(ctx(t))
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range []io.Closer{info.StdInput, info.StdOutput, info.StdError} {
		if f != nil {
			t.Cleanup(func() { f.Close() })
		}
	}
	return p, info
}

func exitStatus(t *testing.T, p *client.Process) schema.ProcessStatus {
	t.Helper()
	doc, err := p.WaitForExit(ctx(t))
	if err != nil {
		t.Fatal(err)
	}
	var st schema.ProcessStatus
	if err := json.Unmarshal([]byte(doc), &st); err != nil {
		t.Fatalf("%s: %v", doc, err)
	}
	return st
}

func TestProcessStdoutAndExitCode(t *testing.T) {
	f := newFixture(t)
	sys := f.started(f.client(), "out")
	p, info := spawn(t, sys, "printf 'hello\\n'; printf oops >&2; exit 3", false, true, true)
	if info.StdInput != nil {
		t.Fatal("stdin was not requested but a handle was returned")
	}
	out, _ := io.ReadAll(info.StdOutput)
	errOut, _ := io.ReadAll(info.StdError)
	if string(out) != "hello\n" || string(errOut) != "oops" {
		t.Fatalf("stdout %q stderr %q", out, errOut)
	}
	st := exitStatus(t, p)
	if !st.Exited || st.ExitCode != 3 || st.LastWaitResult != 0 || st.ProcessId != info.ProcessID {
		t.Fatalf("status %+v", st)
	}
}

func TestCloseHandleStdInDeliversEndOfInput(t *testing.T) {
	f := newFixture(t)
	sys := f.started(f.client(), "echo")
	p, info := spawn(t, sys, "cat", true, true, false)
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

func TestProcessSignalAndTerminate(t *testing.T) {
	f := newFixture(t)
	sys := f.started(f.client(), "sig")
	cases := []struct {
		name string
		call func(p *client.Process, op *client.Operation) error
		want uint32
	}{
		{"signal 15", func(p *client.Process, op *client.Operation) error { return p.Signal(op, `{"Signal":15}`) }, 128 + 15},
		{"CtrlC is SIGINT", func(p *client.Process, op *client.Operation) error { return p.Signal(op, `{"Signal":"CtrlC"}`) }, 128 + 2},
		{"terminate", func(p *client.Process, op *client.Operation) error { return p.Terminate(op, "") }, 137},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			p, _ := spawn(t, sys, "exec sleep 100", false, false, false)
			mustDo(t, func(op *client.Operation) error { return tc.call(p, op) })
			if st := exitStatus(t, p); st.ExitCode != tc.want {
				t.Fatalf("exit code %d, want %d", st.ExitCode, tc.want)
			}
		})
	}
}

func TestProcessAlreadyStopped(t *testing.T) {
	f := newFixture(t)
	sys := f.started(f.client(), "done")
	p, _ := spawn(t, sys, "exit 0", false, false, false)
	exitStatus(t, p)
	for name, call := range map[string]func(op *client.Operation) error{
		"terminate": func(op *client.Operation) error { return p.Terminate(op, "") },
		"signal":    func(op *client.Operation) error { return p.Signal(op, `{"Signal":9}`) },
		"modify": func(op *client.Operation) error {
			return p.Modify(op, `{"Operation":"CloseHandle","CloseHandle":{"Handle":"All"}}`)
		},
		"info": func(op *client.Operation) error { return p.GetInfo(op) },
	} {
		_, err := do(t, call)
		if !hresult.Is(err, hresult.HCS_E_PROCESS_ALREADY_STOPPED) {
			t.Errorf("%s after exit: %v, want HCS_E_PROCESS_ALREADY_STOPPED", name, err)
		}
	}
	doc := mustDo(t, func(op *client.Operation) error { return p.GetProperties(op, "") })
	if !strings.Contains(doc, `"Exited":true`) || !strings.Contains(doc, `"ExitCode":0`) {
		t.Fatalf("ProcessStatus %s", doc)
	}
}

func TestOpenProcessByPidAndLateCallback(t *testing.T) {
	f := newFixture(t)
	sys := f.started(f.client(), "open")
	p, info := spawn(t, sys, "exit 7", false, false, false)
	exitStatus(t, p)
	again, err := sys.OpenProcess(t.Context(), info.ProcessID, client.GenericAll)
	if err != nil {
		t.Fatalf("an exited process with an open handle must be openable: %v", err)
	}
	defer again.Close()
	ev := make(events, 2)
	if err := again.SetCallback(client.EventOptionNone, ev.callback); err != nil {
		t.Fatal(err)
	}
	var st schema.ProcessStatus
	json.Unmarshal([]byte(ev.next(t, client.EventProcessExited).Data), &st)
	if st.ExitCode != 7 {
		t.Fatalf("status %+v", st)
	}
	ev.none(t, 50e6)
	_, err = sys.OpenProcess(t.Context(), 999999, client.GenericAll)
	wantCode(t, err, hresult.ERROR_NOT_FOUND)
}

func TestGetProcessInfoReturnsFreshDuplicates(t *testing.T) {
	f := newFixture(t)
	sys := f.started(f.client(), "dups")
	p, first := spawn(t, sys, "read line; echo got $line", true, true, false)
	first.StdInput.Close()
	first.StdOutput.Close()
	op := client.NewOperation(nil, nil)
	defer op.Close()
	if err := p.GetInfo(op); err != nil {
		t.Fatal(err)
	}
	info, _, err := op.WaitAndProcessInfo(ctx(t))
	if err != nil {
		t.Fatal(err)
	}
	defer info.StdInput.Close()
	defer info.StdOutput.Close()
	io.WriteString(info.StdInput, "again\n")
	out, _ := io.ReadAll(info.StdOutput)
	if string(out) != "got again\n" {
		t.Fatalf("output through the new handles: %q", out)
	}
}

func TestSystemStopEndsItsProcesses(t *testing.T) {
	f := newFixture(t)
	sys := f.started(f.client(), "stop")
	p, _ := spawn(t, sys, "exec sleep 100", false, false, false)
	mustDo(t, func(op *client.Operation) error { return sys.Terminate(op, "") })
	if st := exitStatus(t, p); !st.Exited {
		t.Fatalf("process still listed as running: %+v", st)
	}
	_, err := do(t, func(op *client.Operation) error {
		_, err := sys.CreateProcess(`{"CommandLine":"true"}`, op)
		return err
	})
	wantCode(t, err, hresult.HCS_E_INVALID_STATE)
}

func TestConsoleSizeReachesTheProcess(t *testing.T) {
	f := newFixture(t)
	sys := f.started(f.client(), "tty")
	op := client.NewOperation(nil, nil)
	defer op.Close()
	p, err := sys.CreateProcess(`{"CommandArgs":["/bin/sh","-c","stty size; read x; stty size"],"EmulateConsole":true,"ConsoleSize":[24,80],"CreateStdInPipe":true,"CreateStdOutPipe":true}`, op)
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
	readUntil(t, info.StdOutput, "24 80")
	mustDo(t, func(op *client.Operation) error {
		return p.Modify(op, `{"Operation":"ConsoleSize","ConsoleSize":{"Height":50,"Width":132}}`)
	})
	io.WriteString(info.StdInput, "\n")
	readUntil(t, info.StdOutput, "50 132")
}

// readUntil reads from r until the output so far contains want.
func readUntil(t *testing.T, r io.Reader, want string) {
	t.Helper()
	var got []byte
	buf := make([]byte, 256)
	for !strings.Contains(string(got), want) {
		n, err := r.Read(buf)
		got = append(got, buf[:n]...)
		if err != nil {
			t.Fatalf("read %q, then %v; want %q", got, err, want)
		}
	}
}

// TestProcessExitBeforeCreateProcessReturns: a driver that reports a process's exit before
// CreateProcess returns (as one may for a process that exits at once) still gives the caller
// the process's output and its exit, once.
func TestProcessExitBeforeCreateProcessReturns(t *testing.T) {
	f := newFixture(t, fakedriver.ExitBeforeReturn())
	sys := f.started(f.client(), "quick")
	p, info := spawn(t, sys, "printf quick; exit 5", false, true, false)
	if out, _ := io.ReadAll(info.StdOutput); string(out) != "quick" {
		t.Fatalf("stdout %q, want quick", out)
	}
	if st := exitStatus(t, p); !st.Exited || st.ExitCode != 5 || st.ProcessId != info.ProcessID {
		t.Fatalf("status %+v, want exit code 5 of pid %d", st, info.ProcessID)
	}
	ev := make(events, 4)
	p.SetCallback(client.EventOptionNone, ev.callback)
	ev.next(t, client.EventProcessExited)
	ev.none(t, 50e6)
}
