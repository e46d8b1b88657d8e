package agent_test

import (
	"os"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/linuxhcs/hcs/agent/protocol"
	"github.com/linuxhcs/hcs/internal/testutil"
)

// requireRoot skips a test that needs root, except in CI (CI=true), where running without
// root is a configuration error and fails the test.
func requireRoot(t *testing.T) {
	t.Helper()
	if os.Geteuid() == 0 {
		return
	}
	testutil.SkipOrFail(t, "needs root: runs the agent as pid 1 of new pid and mount namespaces")
}

// startPid1Agent runs the agent as pid 1 of a new pid and mount namespace.
func startPid1Agent(t *testing.T) *testAgent {
	requireRoot(t)
	return startAgent(t, &syscall.SysProcAttr{Cloneflags: syscall.CLONE_NEWPID | syscall.CLONE_NEWNS})
}

func TestPid1ReapsOrphans(t *testing.T) {
	ta := startPid1Agent(t)
	c, rec := ta.dial(t)
	agentPid := ta.cmd.Process.Pid
	pid, err := c.Spawn(ctx(t), protocol.SpawnRequest{CommandLine: `sh -c 'sleep 0.3 & exit 0'`})
	if err != nil {
		t.Fatal(err)
	}
	if pid > 100 { // namespace pids count from 1 (the agent's threads take the next few)
		t.Errorf("pid %d does not look like a pid of the agent's namespace", pid)
	}
	if ev := rec.wait(t, pid, 10*time.Second); ev.ExitCode != 0 {
		t.Fatalf("sh exit = %+v", ev)
	}
	// The spawned sh is reaped, so any child of the agent now is the orphan (named sh until
	// it execs sleep).
	if len(childrenOf(agentPid)) == 0 {
		t.Fatal("the orphaned sleep was not reparented to the agent")
	}
	deadline := time.Now().Add(5 * time.Second)
	for len(childrenOf(agentPid)) > 0 && time.Now().Before(deadline) {
		time.Sleep(20 * time.Millisecond)
	}
	if left := childrenOf(agentPid); len(left) > 0 {
		t.Fatalf("children of the agent left (a Z state is an unreaped zombie): %v", left)
	}
}

func TestPid1ShutdownKillsEverything(t *testing.T) {
	ta := startPid1Agent(t)
	c, rec := ta.dial(t)
	agentPid := ta.cmd.Process.Pid
	pid, out, _ := spawnOut(t, c, protocol.SpawnRequest{
		CommandLine: `sh -c 'trap "" TERM; sleep 100 & (trap "" TERM; sleep 100 & wait) & echo ready; wait'`,
	})
	buf := make([]byte, 6)
	out.SetReadDeadline(time.Now().Add(10 * time.Second))
	if _, err := out.Read(buf); err != nil || string(buf) != "ready\n" {
		t.Fatalf("process said %q, %v", buf, err)
	}
	victims := waitDescendants(t, agentPid, 4, 5*time.Second) // sh, sleep, subshell, sleep
	res, err := c.Shutdown(ctx(t), 300*time.Millisecond)
	if err != nil || !res.Forced {
		t.Fatalf("Shutdown = %+v, %v", res, err)
	}
	// The agent answered only once no child was left, before exiting (which would make the
	// kernel kill the namespace anyway); the exit notification proves it used SIGKILL.
	if ev := rec.wait(t, pid, 5*time.Second); ev.ExitCode != 137 {
		t.Errorf("exit = %+v, want 137", ev)
	}
	if code := ta.wait(t, 10*time.Second); code != 0 {
		t.Fatalf("agent exit code %d, want 0", code)
	}
	for _, v := range victims {
		if err := syscall.Kill(v, 0); err != syscall.ESRCH {
			t.Errorf("process %d survived the shutdown", v)
		}
	}
}

func TestPid1SpawnAsUser(t *testing.T) {
	ta := startPid1Agent(t)
	c, _ := ta.dial(t)
	_, out, _ := spawnOut(t, c, protocol.SpawnRequest{
		CommandLine: `sh -c 'id -u; id -g; echo $HOME'`, User: "65534:65534",
	})
	got := string(readAll(t, out, 10*time.Second))
	if !strings.HasPrefix(got, "65534\n65534\n") {
		t.Fatalf("id printed %q", got)
	}
}
