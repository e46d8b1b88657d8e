package main

import (
	"context"
	"encoding/json"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/linuxhcs/hcs/schema"
)

func TestExec(t *testing.T) {
	needDaemon(t)
	newContainer(t, "exec")
	if out := ok(t, "exec", "exec", "--", "hostname"); out != "demo\n" {
		t.Errorf("hostname printed %q, want the example's HostName", out)
	}
	// Options end at the id: -c belongs to sh, not to hcsdiag.
	if out := ok(t, "exec", "exec", "sh", "-c", "echo out; echo err >&2"); out != "out\n" {
		t.Errorf("stdout %q", out)
	}
	r := hcsdiag(t, "exec", "exec", "sh", "-c", "echo err >&2; exit 7")
	if r.code != 7 || r.stderr != "err\n" || r.stdout != "" {
		t.Errorf("exit code and stderr are not passed through:\n%s", r)
	}
	r = daemon.runIn(t, "hello\nworld\n", "exec", "-i", "exec", "--", "tr", "a-z", "A-Z")
	if r.code != 0 || r.stdout != "HELLO\nWORLD\n" {
		t.Errorf("stdin:\n%s", r)
	}
	out := ok(t, "exec", "-e", "GREETING=hi", "-e", "PATH", "-w", "/tmp", "-u", "app", "exec", "--",
		"sh", "-c", `echo "$GREETING $(pwd) $(id -un) $PATH"`)
	if want := "hi /tmp app " + osPath() + "\n"; out != want {
		t.Errorf("-e -w -u: %q, want %q", out, want)
	}
	r = daemon.runIn(t, "from stdin\n", "exec", "--params", example("process.json"), "exec")
	if r.code != 0 || r.stdout != "hello from demo as root in /tmp\nfrom stdin\n" {
		t.Errorf("--params examples/process.json:\n%s", r)
	}
	fails(t, "ERROR_NOT_FOUND", "exec", "exec", "--", "no-such-program")
	if r := hcsdiag(t, "exec", "exec"); r.code != 2 {
		t.Errorf("exec without a command:\n%s", r)
	}
}

// osPath is hcsdiag's own PATH, which -e PATH passes on.
func osPath() string {
	for _, kv := range daemon.env() {
		if strings.HasPrefix(kv, "PATH=") {
			return strings.TrimPrefix(kv, "PATH=")
		}
	}
	return ""
}

func TestExecForwardsSignals(t *testing.T) {
	needDaemon(t)
	newContainer(t, "sig")
	ctx, cancel := context.WithTimeout(context.Background(), e2eTimeout)
	defer cancel()
	cmd, out, _ := daemon.command(ctx, "", "exec", "sig", "--", "sh", "-c", "trap 'echo got TERM; exit 42' TERM; echo ready; while :; do sleep 0.1; done")
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	waitFor(t, func() bool { return strings.Contains(out.String(), "ready") })
	cmd.Process.Signal(syscall.SIGTERM)
	err := cmd.Wait()
	if cmd.ProcessState.ExitCode() != 42 || !strings.Contains(out.String(), "got TERM") {
		t.Fatalf("after SIGTERM to hcsdiag: %v, output %q", err, out)
	}
}

func TestKillPsAndWaitForAProcess(t *testing.T) {
	needDaemon(t)
	newContainer(t, "kill")
	ctx, cancel := context.WithTimeout(context.Background(), e2eTimeout)
	defer cancel()
	sleeper, _, _ := daemon.command(ctx, "", "exec", "kill", "--", "sleep", "1000")
	if err := sleeper.Start(); err != nil {
		t.Fatal(err)
	}
	var pid string
	waitFor(t, func() bool {
		pid = strings.Fields(lineWithImage(ok(t, "ps", "kill"), "sleep") + " x")[0]
		return pid != "x"
	})
	var procs []schema.ProcessDetails
	if err := json.Unmarshal([]byte(ok(t, "ps", "--json", "kill")), &procs); err != nil || len(procs) < 2 {
		t.Fatalf("ps --json: %v %+v", err, procs)
	}
	waiter, waitOut, _ := daemon.command(ctx, "", "wait", "--process", pid, "kill")
	if err := waiter.Start(); err != nil {
		t.Fatal(err)
	}
	time.Sleep(300 * time.Millisecond) // the waiter has the process open
	ok(t, "kill", "-s", "usr1", "kill", pid)
	sleeper.Wait()
	if code := sleeper.ProcessState.ExitCode(); code != 128+int(syscall.SIGUSR1) {
		t.Errorf("exec of a process killed by SIGUSR1 exited %d", code)
	}
	if err := waiter.Wait(); err != nil {
		t.Fatalf("wait --process: %v", err)
	}
	var st schema.ProcessStatus
	if err := json.Unmarshal(waitOut.Bytes(), &st); err != nil || !st.Exited || st.ExitCode != 128+uint32(syscall.SIGUSR1) {
		t.Fatalf("wait --process printed %s (%v)", waitOut, err)
	}
	fails(t, "ERROR_NOT_FOUND", "kill", "kill", pid)
	if r := hcsdiag(t, "kill", "-s", "NOSUCH", "kill", "1"); r.code != 2 || !strings.Contains(r.stderr, "unknown signal") {
		t.Errorf("kill -s NOSUCH:\n%s", r)
	}
	fails(t, "HCS_E_OPERATION_TIMEOUT", "wait", "--timeout", "200ms", "kill")
}

// lineWithImage returns the ps line whose IMAGE column is image.
func lineWithImage(out, image string) string {
	for _, line := range strings.Split(out, "\n") {
		if f := strings.Fields(line); len(f) > 1 && f[1] == image {
			return line
		}
	}
	return ""
}

func TestRun(t *testing.T) {
	needDaemon(t)
	r := daemon.runIn(t, "abc\n", "run", "--rm", "-i", "--memory", "64", "--layer", layer, "--", "sh", "-c", "rev; exit 5")
	if r.code != 5 || r.stdout != "cba\n" {
		t.Fatalf("run --rm:\n%s", r)
	}
	if out := ok(t, "list"); strings.Contains(out, "run-") {
		t.Fatalf("run --rm left its container:\n%s", out)
	}
	r = hcsdiag(t, "run", "--name", "kept", "--layer", layer, "hostname")
	t.Cleanup(func() { hcsdiag(t, "terminate", "kept") })
	if r.code != 0 || r.stdout != "kept\n" || !strings.Contains(r.stderr, "kept keeps running") {
		t.Fatalf("run without --rm:\n%s", r)
	}
	rw := strings.TrimSpace(r.stderr[strings.LastIndex(r.stderr, " ")+1:])
	if s := stateIn(t, "kept"); s != "Running" {
		t.Fatalf("the kept container is %q", s)
	}
	ok(t, "terminate", "kept")
	ok(t, "layer", "destroy", rw)
	if r := hcsdiag(t, "run", "--", "true"); r.code != 2 || !strings.Contains(r.stderr, "--layer is required") {
		t.Fatalf("run without layers:\n%s", r)
	}
}

// waitFor polls cond until it holds, failing the test after e2eTimeout.
func waitFor(t *testing.T, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(e2eTimeout)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatal("timed out")
		}
		time.Sleep(50 * time.Millisecond)
	}
}
