package drivertest

import (
	"bytes"
	"context"
	"fmt"
	"strconv"
	"strings"
	"testing"
	"time"
)

// testStdout: exact bytes (including NUL and 0xff) reach stdout, and the exit code is 0.
func testStdout(t *testing.T, cfg *Config) {
	s := start(t, cfg)
	p := s.spawn(`printf 'hello\000\377world\n'`, streams{stdout: true})
	checkBytes(t, "stdout", p.stdout.wait(s, "stdout"), []byte("hello\x00\xffworld\n"))
	s.expectExitCode(p.Pid(), 0)
}

// largeUnit is doubled largeDoublings times by the shell to make a 2 MiB output.
const (
	largeUnit      = "0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ-_"
	largeDoublings = 15
)

// testLargeStdout: a 2 MiB output arrives complete and in order.
func testLargeStdout(t *testing.T, cfg *Config) {
	s := start(t, cfg)
	script := fmt.Sprintf(`s='%s'; i=0; while [ $i -lt %d ]; do s="$s$s"; i=$((i+1)); done; printf '%%s' "$s"`,
		largeUnit, largeDoublings)
	p := s.spawn(script, streams{stdout: true})
	want := strings.Repeat(largeUnit, 1<<largeDoublings)
	checkBytes(t, "stdout", p.stdout.wait(s, "stdout"), []byte(want))
	s.expectExitCode(p.Pid(), 0)
}

// testExitCode: the process's exit code is reported.
func testExitCode(t *testing.T, cfg *Config) {
	s := start(t, cfg)
	p := s.spawn("exit 3", streams{})
	s.expectExitCode(p.Pid(), 3)
}

// testStdin: cat echoes stdin (larger than a pipe buffer) and exits when stdin closes.
func testStdin(t *testing.T, cfg *Config) {
	s := start(t, cfg)
	p := s.spawn("exec cat", streams{stdin: true, stdout: true})
	var in bytes.Buffer
	for i := 0; in.Len() < 200<<10; i++ {
		fmt.Fprintf(&in, "line %d\n", i)
	}
	errc := make(chan error, 1)
	go func() {
		_, err := p.stdin.Write(in.Bytes())
		p.stdin.Close()
		errc <- err
	}()
	checkBytes(t, "stdout", p.stdout.wait(s, "stdout"), in.Bytes())
	if err := <-errc; err != nil {
		t.Errorf("writing stdin: %v", err)
	}
	s.expectExitCode(p.Pid(), 0)
}

// testStderr: stderr and stdout are separate streams.
func testStderr(t *testing.T, cfg *Config) {
	s := start(t, cfg)
	p := s.spawn("printf out; printf err >&2", streams{stdout: true, stderr: true})
	checkBytes(t, "stdout", p.stdout.wait(s, "stdout"), []byte("out"))
	checkBytes(t, "stderr", p.stderr.wait(s, "stderr"), []byte("err"))
	s.expectExitCode(p.Pid(), 0)
}

// testEnvironment: the process sees its Environment.
func testEnvironment(t *testing.T, cfg *Config) {
	s := start(t, cfg)
	params := s.shellParams(`printf '%s' "$DRIVERTEST_VAR"`)
	params.Environment["DRIVERTEST_VAR"] = "a b=c"
	p, err := s.createProcess(params, streams{stdout: true})
	if err != nil {
		t.Fatalf("CreateProcess: %v", err)
	}
	checkBytes(t, "stdout", p.stdout.wait(s, "stdout"), []byte("a b=c"))
	s.expectExitCode(p.Pid(), 0)
}

// testWorkingDirectory: the process starts in its WorkingDirectory.
func testWorkingDirectory(t *testing.T, cfg *Config) {
	s := start(t, cfg)
	params := s.shellParams("pwd")
	params.WorkingDirectory = "/proc"
	p, err := s.createProcess(params, streams{stdout: true})
	if err != nil {
		t.Fatalf("CreateProcess: %v", err)
	}
	checkBytes(t, "stdout", p.stdout.wait(s, "stdout"), []byte("/proc\n"))
	s.expectExitCode(p.Pid(), 0)
}

// testSignal: SIGTERM ends sleep with 128+15.
func testSignal(t *testing.T, cfg *Config) {
	s := start(t, cfg)
	p := s.spawn(sleeper, streams{})
	s.signal(p, 15)
	s.expectExitCode(p.Pid(), 128+15)
}

// testKill: Kill ends sleep with 128+9.
func testKill(t *testing.T, cfg *Config) {
	s := start(t, cfg)
	p := s.spawn(sleeper, streams{})
	s.kill(p)
	s.expectExitCode(p.Pid(), 128+9)
}

// testMissingBinary: CreateProcess of a missing binary fails (or, when the Config allows
// it, the process exits with 127).
func testMissingBinary(t *testing.T, cfg *Config) {
	s := start(t, cfg)
	p, err := s.createProcess(params("/drivertest/no/such/binary"), streams{})
	switch {
	case err != nil:
		t.Logf("CreateProcess failed as expected: %v", err)
	case cfg.MissingBinaryExits127:
		s.expectExitCode(p.Pid(), 127)
	default:
		t.Errorf("CreateProcess of a missing binary succeeded (pid %d); want an error "+
			"(Config.MissingBinaryExits127 accepts exit 127 instead)", p.Pid())
	}
}

// testPauseResume: a counter stops advancing while paused and continues after resume.
func testPauseResume(t *testing.T, cfg *Config) {
	s := start(t, cfg)
	p := s.spawn(`i=0; while :; do i=$((i+1)); echo $i; sleep 0.05; done`, streams{stdout: true})
	counter := func() int { return lastNumber(p.stdout.tail(64)) }
	if !s.eventually(func() bool { return counter() >= 3 }) {
		t.Fatalf("counter did not advance: %d", counter())
	}
	s.must("Pause", func(ctx context.Context) error { return s.sys.Pause(ctx, nil) })
	time.Sleep(settle) // let output written before the pause drain
	paused := counter()
	time.Sleep(3 * settle)
	if now := counter(); now != paused {
		t.Errorf("counter advanced while paused: %d -> %d", paused, now)
	}
	s.must("Resume", s.sys.Resume)
	if !s.eventually(func() bool { return counter() > paused+2 }) {
		t.Errorf("counter did not continue after resume: stuck at %d", counter())
	}
	s.kill(p)
	s.waitProcess(p.Pid())
}

// lastNumber returns the number on the last complete line of out, or -1.
func lastNumber(out []byte) int {
	end := bytes.LastIndexByte(out, '\n')
	if end < 0 {
		return -1
	}
	start := bytes.LastIndexByte(out[:end], '\n') + 1
	n, err := strconv.Atoi(string(out[start:end]))
	if err != nil {
		return -1
	}
	return n
}

// checkBytes compares an output with what was expected, reporting the first difference.
func checkBytes(t *testing.T, name string, got, want []byte) {
	t.Helper()
	if bytes.Equal(got, want) {
		return
	}
	i := 0
	for i < len(got) && i < len(want) && got[i] == want[i] {
		i++
	}
	t.Errorf("%s: got %d bytes, want %d; first difference at byte %d: got %q, want %q",
		name, len(got), len(want), i, excerpt(got, i), excerpt(want, i))
}

func excerpt(b []byte, i int) []byte {
	return b[i:min(len(b), i+32)]
}

// checkDateTime checks that s is an RFC 3339 date-time, as HCS documents carry.
func checkDateTime(s string) error {
	if _, err := time.Parse(time.RFC3339Nano, s); err != nil {
		return fmt.Errorf("%q is not an RFC 3339 date-time: %w", s, err)
	}
	return nil
}
