package agent_test

import (
	"context"
	"fmt"
	"io"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/linuxhcs/hcs/agent/protocol"
	"github.com/linuxhcs/hcs/internal/testlayer"
	"github.com/linuxhcs/hcs/internal/testutil"
)

// agentBin is the hcs-agent binary built by TestMain.
var agentBin string

func TestMain(m *testing.M) {
	os.Exit(runTests(m))
}

func runTests(m *testing.M) int {
	dir, err := os.MkdirTemp("", "hcs-agent-bin-")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	defer os.RemoveAll(dir)
	defer testlayer.Cleanup()
	agentBin = filepath.Join(dir, "hcs-agent")
	build := exec.Command("go", "build", "-o", agentBin, "github.com/linuxhcs/hcs/cmd/hcs-agent")
	build.Env = append(os.Environ(), "CGO_ENABLED=0")
	if out, err := build.CombinedOutput(); err != nil {
		fmt.Fprintf(os.Stderr, "build hcs-agent: %v\n%s", err, out)
		return 1
	}
	return m.Run()
}

// testAgent is an hcs-agent process started by a test.
type testAgent struct {
	cmd    *exec.Cmd
	sock   string
	stderr *testutil.Buffer
	done   chan struct{} // closed when the process has exited
	err    error         // Wait's result, valid after done
}

// startAgent starts hcs-agent with a fresh listening socket passed as fd 3, as the container
// driver does, and extra as fds 4 and up. Cleanup stops it (SIGTERM, which shuts down its
// descendants, then SIGKILL) and removes its directory.
func startAgent(t *testing.T, sys *syscall.SysProcAttr, extra ...*os.File) *testAgent {
	t.Helper()
	dir, err := os.MkdirTemp("", "hcsa-")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(dir) })
	ta := &testAgent{sock: filepath.Join(dir, "agent.sock"), stderr: &testutil.Buffer{}, done: make(chan struct{})}
	l, err := net.ListenUnix("unix", &net.UnixAddr{Name: ta.sock, Net: "unix"})
	if err != nil {
		t.Fatal(err)
	}
	l.SetUnlinkOnClose(false)
	lf, err := l.File()
	l.Close()
	if err != nil {
		t.Fatal(err)
	}
	defer lf.Close()
	ta.cmd = exec.Command(agentBin, protocol.AgentArgs(agentBin, 3)[1], "--shutdown-timeout=2s")
	ta.cmd.ExtraFiles = append([]*os.File{lf}, extra...)
	ta.cmd.Stderr = ta.stderr
	if sys == nil {
		sys = &syscall.SysProcAttr{}
	}
	sys.Pdeathsig = syscall.SIGTERM
	ta.cmd.SysProcAttr = sys
	if err := ta.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	go func() { ta.err = ta.cmd.Wait(); close(ta.done) }()
	t.Cleanup(func() { ta.stop(t) })
	return ta
}

// stop ends the agent if it still runs and logs its diagnostics when the test failed.
func (ta *testAgent) stop(t *testing.T) {
	select {
	case <-ta.done:
	default:
		ta.cmd.Process.Signal(syscall.SIGTERM)
		select {
		case <-ta.done:
		case <-time.After(5 * time.Second):
			ta.cmd.Process.Kill()
			<-ta.done
		}
	}
	if t.Failed() {
		t.Logf("agent stderr:\n%s", ta.stderr.String())
	}
}

// wait waits for the agent to exit and returns its exit code.
func (ta *testAgent) wait(t *testing.T, d time.Duration) int {
	t.Helper()
	select {
	case <-ta.done:
	case <-time.After(d):
		t.Fatalf("agent still running after %v", d)
	}
	return ta.cmd.ProcessState.ExitCode()
}

// dial connects a client that records exits; it is closed at the end of the test.
func (ta *testAgent) dial(t *testing.T) (*protocol.Client, *exitRecorder) {
	t.Helper()
	rec := &exitRecorder{}
	c, err := protocol.Dial(ctx(t), ta.sock, protocol.ClientOptions{HostVersion: "test", OnExit: rec.add})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	return c, rec
}

// ctx returns a context that ends after 20 seconds or with the test.
func ctx(t *testing.T) context.Context {
	c, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	t.Cleanup(cancel)
	return c
}

// exitRecorder collects ProcessExited notifications.
type exitRecorder struct {
	mu  sync.Mutex
	got []protocol.ProcessExited
}

func (r *exitRecorder) add(ev protocol.ProcessExited) {
	r.mu.Lock()
	r.got = append(r.got, ev)
	r.mu.Unlock()
}

// find returns the first recorded exit of pid.
func (r *exitRecorder) find(pid int) (protocol.ProcessExited, bool) {
	r.mu.Lock()
	defer r.mu.Unlock()
	for _, ev := range r.got {
		if ev.Pid == pid {
			return ev, true
		}
	}
	return protocol.ProcessExited{}, false
}

// wait waits up to d for the exit of pid.
func (r *exitRecorder) wait(t *testing.T, pid int, d time.Duration) protocol.ProcessExited {
	t.Helper()
	deadline := time.Now().Add(d)
	for time.Now().Before(deadline) {
		if ev, ok := r.find(pid); ok {
			return ev
		}
		time.Sleep(5 * time.Millisecond)
	}
	t.Fatalf("no exit of pid %d within %v", pid, d)
	return protocol.ProcessExited{}
}

// pipe returns an os.Pipe whose ends are closed at the end of the test (closing twice is
// harmless).
func pipe(t *testing.T) (r, w *os.File) {
	t.Helper()
	r, w, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { r.Close(); w.Close() })
	return r, w
}

// spawnOut spawns req with a stdout pipe (and stderr pipe when stderr is set) and returns
// the pid and the read ends; the agent's ends are closed locally.
func spawnOut(t *testing.T, c *protocol.Client, req protocol.SpawnRequest) (int, *os.File, *os.File) {
	t.Helper()
	req.Stdout = true
	outR, outW := pipe(t)
	files := []*os.File{outW}
	var errR *os.File
	if req.Stderr {
		var errW *os.File
		errR, errW = pipe(t)
		files = append(files, errW)
	}
	pid, err := c.Spawn(ctx(t), req, files...)
	for _, f := range files {
		f.Close()
	}
	if err != nil {
		t.Fatal(err)
	}
	return pid, outR, errR
}

// readAll reads r to its end within d.
func readAll(t *testing.T, r *os.File, d time.Duration) []byte {
	t.Helper()
	r.SetReadDeadline(time.Now().Add(d))
	b, err := io.ReadAll(r)
	if err != nil {
		t.Fatalf("read: %v (got %q)", err, b)
	}
	return b
}

// childrenOf returns the pids under /proc whose parent is ppid, with their state letter.
func childrenOf(ppid int) map[int]string {
	out := map[int]string{}
	ents, _ := os.ReadDir("/proc")
	for _, e := range ents {
		pid, err := strconv.Atoi(e.Name())
		if err != nil {
			continue
		}
		b, err := os.ReadFile("/proc/" + e.Name() + "/stat")
		if err != nil {
			continue
		}
		s := string(b)
		f := strings.Fields(s[strings.LastIndexByte(s, ')')+1:])
		if len(f) > 1 && f[1] == strconv.Itoa(ppid) {
			out[pid] = f[0] + " " + s[strings.IndexByte(s, '(')+1:strings.LastIndexByte(s, ')')]
		}
	}
	return out
}

// descendantsOf returns every pid whose chain of parents reaches pid.
func descendantsOf(pid int) []int {
	var out []int
	for c := range childrenOf(pid) {
		out = append(out, c)
		out = append(out, descendantsOf(c)...)
	}
	return out
}

// waitDescendants waits up to d until pid has at least n descendants and returns them.
func waitDescendants(t *testing.T, pid, n int, d time.Duration) []int {
	t.Helper()
	deadline := time.Now().Add(d)
	for {
		got := descendantsOf(pid)
		if len(got) >= n {
			return got
		}
		if time.Now().After(deadline) {
			t.Fatalf("%d descendants of pid %d after %v, want %d: %v", len(got), pid, d, n, got)
		}
		time.Sleep(10 * time.Millisecond)
	}
}
