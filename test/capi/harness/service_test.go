//go:build capi

package harness

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/linuxhcs/hcs/client"
	"github.com/linuxhcs/hcs/internal/testlayer"
	"github.com/linuxhcs/hcs/internal/testutil"
)

// serviceTimeout bounds starting and stopping hcsd and the clean-up calls.
const serviceTimeout = 60 * time.Second

// service is one hcsd started from bin/ for the C tests, with its socket, state, runtime
// state, agent sockets and cgroups kept apart from everything else on the host.
type service struct {
	args   []string
	cmd    *exec.Cmd
	socket string
	cgroup string
	log    strings.Builder
	exited chan error // nil while hcsd is not running
}

// startService starts bin/hcsd and waits until it answers. It is stopped, after every
// compute system it still knows has been terminated, when the test ends.
func startService(t *testing.T) *service {
	t.Helper()
	requireBin(t, "hcs-agent") // hcsd finds it next to itself
	base := t.TempDir()
	agents, err := os.MkdirTemp("/run", "hcs-capi") // agent socket paths must be short
	if err != nil {
		t.Fatal(err)
	}
	s := &service{socket: filepath.Join(base, "run", "hcsd.sock"), cgroup: fmt.Sprintf("/hcs-capi-%d", os.Getpid())}
	s.args = []string{"--socket", s.socket, "--state-dir", filepath.Join(base, "state"),
		"--runtime-root", filepath.Join(base, "runtime"), "--cgroup-parent", s.cgroup,
		"--agent-socket-dir", agents, "--group", "root", "--log-level", "debug"}
	if rt := os.Getenv("HCS_TEST_RUNTIME"); rt != "" {
		s.args = append(s.args, "--runtime", rt)
	}
	t.Cleanup(func() {
		s.stop(t)
		os.RemoveAll(agents)
		s.removeCgroups()
		if t.Failed() {
			t.Logf("hcsd log:\n%s", s.log.String())
		}
	})
	s.launch(t)
	return s
}

// launch runs hcsd and waits until it answers.
func (s *service) launch(t *testing.T) {
	t.Helper()
	s.cmd = exec.Command(requireBin(t, "hcsd"), s.args...)
	s.cmd.Stderr = &s.log
	if err := s.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	exited := make(chan error, 1)
	s.exited = exited
	go func(cmd *exec.Cmd) { exited <- cmd.Wait() }(s.cmd)
	s.waitReady(t)
}

// halt stops hcsd with SIGTERM; its compute systems keep running.
func (s *service) halt(t *testing.T) {
	t.Helper()
	if s.exited == nil {
		return
	}
	s.cmd.Process.Signal(syscall.SIGTERM)
	select {
	case err := <-s.exited:
		if err != nil {
			t.Errorf("hcsd after SIGTERM: %v", err)
		}
	case <-time.After(serviceTimeout):
		s.cmd.Process.Kill()
		<-s.exited
		t.Errorf("hcsd still running %v after SIGTERM", serviceTimeout)
	}
	s.exited = nil
}

func (s *service) waitReady(t *testing.T) {
	deadline := time.Now().Add(serviceTimeout)
	for {
		ctx, cancel := context.WithTimeout(context.Background(), time.Second)
		c, err := client.Dial(ctx, s.socket)
		cancel()
		if err == nil {
			c.Close()
			return
		}
		select {
		case err := <-s.exited:
			t.Fatalf("hcsd exited: %v\n%s", err, s.log.String())
		default:
		}
		if time.Now().After(deadline) {
			t.Fatalf("hcsd does not answer on %s: %v\n%s", s.socket, err, s.log.String())
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// stop terminates the compute systems a failed C test left running (a failure of its own),
// then stops hcsd.
func (s *service) stop(t *testing.T) {
	if s.exited == nil {
		return
	}
	if left := s.terminateAll(t); len(left) > 0 {
		t.Errorf("the C tests left compute systems behind: %s", strings.Join(left, ", "))
	}
	s.halt(t)
}

// terminateAll terminates every system hcsd knows and returns their ids.
func (s *service) terminateAll(t *testing.T) []string {
	ctx, cancel := context.WithTimeout(context.Background(), serviceTimeout)
	defer cancel()
	c, err := client.Dial(ctx, s.socket)
	if err != nil {
		t.Errorf("connecting to hcsd for clean-up: %v", err)
		return nil
	}
	defer c.Close()
	doc, err := client.Do(ctx, func(op *client.Operation) error { return c.EnumerateComputeSystems("", op) })
	if err != nil {
		t.Errorf("listing systems for clean-up: %v", err)
		return nil
	}
	var systems []struct{ Id, State string }
	if err := json.Unmarshal([]byte(doc), &systems); err != nil {
		t.Errorf("listing systems for clean-up: %v: %s", err, doc)
		return nil
	}
	var left []string
	for _, sys := range systems {
		left = append(left, sys.Id+" ("+sys.State+")")
		h, err := c.OpenComputeSystem(t.Context(), sys.Id, client.GenericAll)
		if err != nil {
			continue
		}
		client.Do(ctx, func(op *client.Operation) error { return h.Terminate(op, "") })
		h.WaitForExit(ctx)
		h.Close()
	}
	return left
}

// removeCgroups removes the (by now empty) cgroup parent of the service's containers.
func (s *service) removeCgroups() {
	dirs, _ := filepath.Glob(filepath.Join("/sys/fs/cgroup/*", s.cgroup))
	for _, d := range append(dirs, filepath.Join("/sys/fs/cgroup", s.cgroup)) {
		os.Remove(d)
	}
}

// env returns the environment of a C test that uses the service and containers on the busybox
// layer, with writable layers under a directory of the test.
func (s *service) env(t *testing.T) []string {
	layer, err := testlayer.Busybox()
	if err != nil {
		t.Fatal(err)
	}
	return []string{"HCS_SOCKET=" + s.socket, "HCS_TEST_LAYER=" + layer, "HCS_TEST_SCRATCH=" + t.TempDir()}
}

// TestWithService runs the C tests that talk to hcsd: the error paths that need a service,
// a container's whole life, callbacks, the storage and VM file functions, a program using L""
// with -fshort-wchar, and then all but the last under valgrind.
func TestWithService(t *testing.T) {
	testutil.RequireRoot(t)
	s := startService(t)
	tests := []struct {
		name string
		prog func(t *testing.T) string
		args []string
	}{
		{"errors", func(t *testing.T) string { return cTest(t, "errors", c11) }, []string{"online"}},
		{"lifecycle", func(t *testing.T) string { return cTest(t, "lifecycle", c11) }, nil},
		{"callbacks", func(t *testing.T) string { return cTest(t, "callbacks", c11) }, nil},
		{"storage", func(t *testing.T) string { return cTest(t, "storage", c11) }, nil},
		{"shortwchar", func(t *testing.T) string { return cTest(t, "shortwchar", c11Short) }, nil},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			runProgram(t, s.env(t), append([]string{tc.prog(t)}, tc.args...)...)
		})
	}
	for _, tc := range tests[:4] {
		t.Run("valgrind/"+tc.name, func(t *testing.T) {
			memcheck(t, s.env(t), append([]string{tc.prog(t)}, tc.args...)...)
		})
	}
}

// TestReconnect stops hcsd under a running program and starts it again: the program's handles
// report the disconnect, and the library connects again on the next call (reconnect.c).
func TestReconnect(t *testing.T) {
	testutil.RequireRoot(t)
	s := startService(t)
	prog := cTest(t, "reconnect", c11)
	ctx, cancel := context.WithTimeout(context.Background(), programTimeout)
	defer cancel()
	cmd := exec.CommandContext(ctx, prog)
	cmd.Env = append(os.Environ(), s.env(t)...)
	var stderr strings.Builder
	cmd.Stderr = &stderr
	stdin, err := cmd.StdinPipe()
	if err != nil {
		t.Fatal(err)
	}
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	lines := make(chan string)
	go func() {
		sc := bufio.NewScanner(stdout)
		for sc.Scan() {
			lines <- sc.Text()
		}
		close(lines)
	}()
	var out strings.Builder
	for line := range lines {
		out.WriteString(line + "\n")
		switch line {
		case "stop hcsd":
			s.halt(t)
		case "start hcsd":
			s.launch(t)
		default:
			continue
		}
		if _, err := io.WriteString(stdin, "go\n"); err != nil {
			t.Fatalf("answering %q: %v", line, err)
		}
	}
	if err := cmd.Wait(); err != nil {
		t.Fatalf("reconnect: %v\n%s%s", err, out.String(), stderr.String())
	}
	t.Logf("reconnect:\n%s", out.String())
}
