package agent_test

import (
	"bytes"
	"crypto/rand"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/linuxhcs/hcs/agent/protocol"
	"github.com/linuxhcs/hcs/hresult"
)

func TestEchoStdout(t *testing.T) {
	ta := startAgent(t, nil)
	c, rec := ta.dial(t)
	pid, out, _ := spawnOut(t, c, protocol.SpawnRequest{CommandArgs: []string{"echo", "hello", "world"}})
	if got := string(readAll(t, out, 10*time.Second)); got != "hello world\n" {
		t.Fatalf("stdout = %q", got)
	}
	if ev := rec.wait(t, pid, 10*time.Second); ev.ExitCode != 0 || ev.Signal != 0 {
		t.Fatalf("exit = %+v", ev)
	}
	if err := c.AckExit(ctx(t), pid, 0); err != nil {
		t.Fatal(err)
	}
}

func TestStdoutAndStderr(t *testing.T) {
	ta := startAgent(t, nil)
	c, _ := ta.dial(t)
	req := protocol.SpawnRequest{
		CommandLine:      `sh -c 'echo "out $FOO $HOME"; pwd; echo err >&2'`,
		Environment:      map[string]string{"FOO": "bar", "HOME": "/h"},
		WorkingDirectory: "/tmp",
		Stderr:           true,
	}
	_, out, errR := spawnOut(t, c, req)
	if got := string(readAll(t, out, 10*time.Second)); got != "out bar /h\n/tmp\n" {
		t.Errorf("stdout = %q", got)
	}
	if got := string(readAll(t, errR, 10*time.Second)); got != "err\n" {
		t.Errorf("stderr = %q", got)
	}
}

func TestExitCode(t *testing.T) {
	ta := startAgent(t, nil)
	c, rec := ta.dial(t)
	pid, err := c.Spawn(ctx(t), protocol.SpawnRequest{CommandLine: `sh -c 'exit 3'`})
	if err != nil {
		t.Fatal(err)
	}
	if ev := rec.wait(t, pid, 10*time.Second); ev.ExitCode != 3 {
		t.Fatalf("exit = %+v, want code 3", ev)
	}
	exits, err := c.WaitExits(ctx(t), time.Second)
	if err != nil || len(exits) != 1 || exits[0].Pid != pid || exits[0].ExitCode != 3 {
		t.Fatalf("WaitExits = %+v, %v", exits, err)
	}
	c.AckExit(ctx(t), pid, exits[0].Seq)
	if exits, err := c.WaitExits(ctx(t), 0); err != nil || len(exits) != 0 {
		t.Fatalf("WaitExits after ack = %+v, %v", exits, err)
	}
}

func TestStdinThroughCat(t *testing.T) {
	ta := startAgent(t, nil)
	c, rec := ta.dial(t)
	inR, inW := pipe(t)
	outR, outW := pipe(t)
	pid, err := c.Spawn(ctx(t), protocol.SpawnRequest{CommandArgs: []string{"cat"}, Stdin: true, Stdout: true}, inR, outW)
	inR.Close()
	outW.Close()
	if err != nil {
		t.Fatal(err)
	}
	input := []byte("line one\nline two without newline")
	if _, err := inW.Write(input); err != nil {
		t.Fatal(err)
	}
	inW.Close()
	if got := readAll(t, outR, 10*time.Second); !bytes.Equal(got, input) {
		t.Fatalf("output = %q, want %q", got, input)
	}
	if ev := rec.wait(t, pid, 10*time.Second); ev.ExitCode != 0 {
		t.Fatalf("exit = %+v", ev)
	}
}

func TestLargeOutputByteExact(t *testing.T) {
	ta := startAgent(t, nil)
	c, rec := ta.dial(t)
	data := make([]byte, 10<<20)
	rand.Read(data)
	file := filepath.Join(t.TempDir(), "data")
	if err := os.WriteFile(file, data, 0o644); err != nil {
		t.Fatal(err)
	}
	pid, out, _ := spawnOut(t, c, protocol.SpawnRequest{CommandArgs: []string{"cat", file}})
	if got := readAll(t, out, 30*time.Second); !bytes.Equal(got, data) {
		t.Fatalf("got %d bytes, want the %d bytes of the file; exit %+v", len(got), len(data), rec.wait(t, pid, 5*time.Second))
	}
	if ev := rec.wait(t, pid, 10*time.Second); ev.ExitCode != 0 {
		t.Fatalf("exit = %+v", ev)
	}
}

func TestSignal(t *testing.T) {
	ta := startAgent(t, nil)
	c, rec := ta.dial(t)
	pid, err := c.Spawn(ctx(t), protocol.SpawnRequest{CommandArgs: []string{"sleep", "100"}})
	if err != nil {
		t.Fatal(err)
	}
	if err := c.Signal(ctx(t), pid, 0); err != nil {
		t.Fatalf("signal 0 to a running process: %v", err)
	}
	if err := c.Signal(ctx(t), pid, syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	if ev := rec.wait(t, pid, 10*time.Second); ev.ExitCode != 128+15 || ev.Signal != 15 {
		t.Fatalf("exit = %+v, want 143 (SIGTERM)", ev)
	}
	for _, p := range []int{pid, 999999999} {
		if err := c.Signal(ctx(t), p, syscall.SIGKILL); !errors.Is(err, hresult.HCS_E_PROCESS_ALREADY_STOPPED) {
			t.Errorf("signal to gone pid %d: %v, want HCS_E_PROCESS_ALREADY_STOPPED", p, err)
		}
	}
	if err := c.Signal(ctx(t), pid, syscall.Signal(99)); !errors.Is(err, hresult.E_INVALIDARG) {
		t.Errorf("signal 99: %v, want E_INVALIDARG", err)
	}
}

func TestSpawnErrors(t *testing.T) {
	ta := startAgent(t, nil)
	c, _ := ta.dial(t)
	noexec := filepath.Join(t.TempDir(), "noexec")
	os.WriteFile(noexec, []byte("#!/bin/sh\n"), 0o644)
	cases := []struct {
		req  protocol.SpawnRequest
		code hresult.HRESULT
		text string
	}{
		{protocol.SpawnRequest{CommandArgs: []string{"no-such-binary-hcs"}}, hresult.ERROR_NOT_FOUND, "no-such-binary-hcs"},
		{protocol.SpawnRequest{CommandLine: "/no/such/path arg"}, hresult.ERROR_NOT_FOUND, "/no/such/path"},
		{protocol.SpawnRequest{CommandArgs: []string{noexec}}, hresult.E_ACCESSDENIED, noexec},
		{protocol.SpawnRequest{CommandArgs: []string{"true"}, WorkingDirectory: "/no/such/dir"}, hresult.ERROR_NOT_FOUND, "WorkingDirectory"},
		{protocol.SpawnRequest{CommandArgs: []string{"true"}, User: "no-such-user-hcs"}, hresult.ERROR_NOT_FOUND, "no-such-user-hcs"},
		{protocol.SpawnRequest{CommandLine: `echo 'open`}, hresult.E_INVALIDARG, "CommandLine"},
		{protocol.SpawnRequest{}, hresult.E_INVALIDARG, "CommandLine"},
		{protocol.SpawnRequest{CommandArgs: []string{"true"}, Environment: map[string]string{"A=B": "c"}}, hresult.E_INVALIDARG, "Environment"},
		{protocol.SpawnRequest{CommandArgs: []string{"true"}, Stdin: true}, hresult.E_INVALIDARG, "files"},
	}
	for _, tc := range cases {
		_, err := c.Spawn(ctx(t), tc.req)
		if !errors.Is(err, tc.code) || !strings.Contains(err.Error(), tc.text) {
			t.Errorf("Spawn(%+v) error = %v; want %v naming %q", tc.req, err, tc.code, tc.text)
		}
	}
	if err := c.Ping(ctx(t)); err != nil {
		t.Fatalf("agent unusable after failed spawns: %v", err)
	}
}

func TestListProcesses(t *testing.T) {
	ta := startAgent(t, nil)
	c, _ := ta.dial(t)
	pid, err := c.Spawn(ctx(t), protocol.SpawnRequest{CommandArgs: []string{"sleep", "100"}})
	if err != nil {
		t.Fatal(err)
	}
	defer c.Signal(ctx(t), pid, syscall.SIGKILL)
	time.Sleep(50 * time.Millisecond) // let exec replace the forked image's name
	ps, err := c.ListProcesses(ctx(t))
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range ps {
		if p.Pid == ta.cmd.Process.Pid && p.Name != "hcs-agent" {
			t.Errorf("agent listed as %q", p.Name)
		}
		if p.Pid != pid {
			continue
		}
		if p.Name != "sleep" || p.Ppid != ta.cmd.Process.Pid || strings.Join(p.Cmdline, " ") != "sleep 100" ||
			p.ResidentBytes == 0 || time.Since(p.StartTime) > time.Minute || time.Since(p.StartTime) < -time.Minute {
			t.Fatalf("sleep listed as %+v", p)
		}
		return
	}
	t.Fatalf("pid %d not among %d processes", pid, len(ps))
}

func TestConsole(t *testing.T) {
	ta := startAgent(t, nil)
	c, rec := ta.dial(t)
	master, slave, err := protocol.OpenPTY()
	if err != nil {
		t.Fatal(err)
	}
	defer master.Close()
	req := protocol.SpawnRequest{
		CommandLine:    `sh -c 'stty size; read x; stty size; tty -s && echo is-a-tty'`,
		EmulateConsole: true,
		ConsoleSize:    [2]uint16{30, 100},
	}
	pid, err := c.Spawn(ctx(t), req, slave)
	slave.Close()
	if err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	readUntil(t, master, &out, "30 100")
	if err := c.ResizeConsole(ctx(t), pid, 50, 132); err != nil {
		t.Fatal(err)
	}
	master.Write([]byte("\n"))
	readUntil(t, master, &out, "50 132")
	readUntil(t, master, &out, "is-a-tty")
	if ev := rec.wait(t, pid, 10*time.Second); ev.ExitCode != 0 {
		t.Fatalf("exit = %+v, output %q", ev, out.String())
	}
	if err := c.ResizeConsole(ctx(t), pid, 1, 1); !errors.Is(err, hresult.HCS_E_PROCESS_ALREADY_STOPPED) {
		t.Fatalf("resize after exit: %v", err)
	}
}

// readUntil reads the pty master into out until out contains want.
func readUntil(t *testing.T, master *os.File, out *bytes.Buffer, want string) {
	t.Helper()
	master.SetReadDeadline(time.Now().Add(10 * time.Second))
	buf := make([]byte, 4096)
	for !strings.Contains(out.String(), want) {
		n, err := master.Read(buf)
		out.Write(buf[:n])
		if err != nil {
			t.Fatalf("reading console for %q: %v; got %q", want, err, out.String())
		}
	}
}

func TestResizeWithoutConsole(t *testing.T) {
	ta := startAgent(t, nil)
	c, _ := ta.dial(t)
	pid, err := c.Spawn(ctx(t), protocol.SpawnRequest{CommandArgs: []string{"sleep", "100"}})
	if err != nil {
		t.Fatal(err)
	}
	defer c.Signal(ctx(t), pid, syscall.SIGKILL)
	if err := c.ResizeConsole(ctx(t), pid, 10, 10); !errors.Is(err, hresult.E_INVALIDARG) {
		t.Fatalf("resize of a process without console: %v", err)
	}
}

func TestChildInheritsOnlyStdio(t *testing.T) {
	leak, err := os.Open(os.DevNull) // inherited by the agent as fd 4, as a runtime might
	if err != nil {
		t.Fatal(err)
	}
	ta := startAgent(t, nil, leak)
	leak.Close()
	c, _ := ta.dial(t)
	fds, _ := os.ReadDir(fmt.Sprintf("/proc/%d/fd", ta.cmd.Process.Pid))
	for _, e := range fds {
		target, _ := os.Readlink(fmt.Sprintf("/proc/%d/fd/%s", ta.cmd.Process.Pid, e.Name()))
		if n, _ := strconv.Atoi(e.Name()); n > 2 && target == os.DevNull {
			t.Errorf("agent kept the inherited descriptor %s (%s)", e.Name(), target)
		}
	}
	_, out, _ := spawnOut(t, c, protocol.SpawnRequest{CommandLine: `sh -c 'ls /proc/$$/fd'`})
	if got := string(readAll(t, out, 10*time.Second)); got != "0\n1\n2\n" {
		t.Fatalf("descriptors of the spawned shell: %q, want only 0 1 2", got)
	}
}
