package main

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// tmuxServer is a tmux server of the test's own (its own socket name), killed at the end.
type tmuxServer struct {
	t    *testing.T
	name string
}

func newTmux(t *testing.T) *tmuxServer {
	t.Helper()
	if _, err := exec.LookPath("tmux"); err != nil {
		t.Fatal("tmux is needed for the terminal tests (scripts/setup.sh installs it)")
	}
	s := &tmuxServer{t: t, name: fmt.Sprintf("hcsdiag-test-%d", os.Getpid())}
	t.Cleanup(func() { exec.Command("tmux", "-L", s.name, "kill-server").Run() })
	return s
}

func (s *tmuxServer) run(args ...string) string {
	s.t.Helper()
	out, err := exec.Command("tmux", append([]string{"-L", s.name}, args...)...).CombinedOutput()
	if err != nil {
		s.t.Fatalf("tmux %s: %v\n%s", strings.Join(args, " "), err, out)
	}
	return string(out)
}

// start runs a shell command line in a new 100x30 window.
func (s *tmuxServer) start(session, command string) {
	s.run("new-session", "-d", "-s", session, "-x", "100", "-y", "30", command)
}

// screen returns what the pane shows.
func (s *tmuxServer) screen(session string) string { return s.run("capture-pane", "-p", "-t", session) }

// await waits until the pane shows want.
func (s *tmuxServer) await(session, want string) {
	s.t.Helper()
	deadline := time.Now().Add(e2eTimeout)
	for !strings.Contains(s.screen(session), want) {
		if time.Now().After(deadline) {
			s.t.Fatalf("the terminal never showed %q:\n%s", want, s.screen(session))
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// shellLine is a command line for tmux that runs hcsdiag against the test's hcsd and
// records its exit status in statusFile.
func shellLine(statusFile string, args ...string) string {
	var env []string
	for _, kv := range []string{"HCS_SOCKET=" + daemon.Socket, configEnv + "=" + daemon.Config} {
		env = append(env, "'"+kv+"'")
	}
	return fmt.Sprintf("env %s %s %s; echo $? > %s; sleep 600", strings.Join(env, " "),
		filepath.Join(binDir, "hcsdiag"), strings.Join(args, " "), statusFile)
}

func TestExecTTYUnderTmux(t *testing.T) {
	needDaemon(t)
	newContainer(t, "tty")
	tm := newTmux(t)
	status := filepath.Join(t.TempDir(), "status")
	tm.start("tty", shellLine(status, "exec", "-t", "tty", "--", "sh"))
	tm.await("tty", "/ #")

	tm.run("send-keys", "-t", "tty", "echo hi$((1+1))", "Enter")
	tm.await("tty", "\nhi2\n")
	tm.run("send-keys", "-t", "tty", "stty size", "Enter")
	tm.await("tty", "\n30 100\n")

	tm.run("resize-window", "-t", "tty", "-x", "120", "-y", "40")
	time.Sleep(300 * time.Millisecond) // SIGWINCH, then the resize through the service
	tm.run("send-keys", "-t", "tty", "stty size", "Enter")
	tm.await("tty", "\n40 120\n")

	// Ctrl-C reaches the remote terminal, not hcsdiag.
	tm.run("send-keys", "-t", "tty", "sleep 100", "Enter")
	time.Sleep(300 * time.Millisecond)
	tm.run("send-keys", "-t", "tty", "C-c")
	tm.run("send-keys", "-t", "tty", "echo after-$((6*7))", "Enter")
	tm.await("tty", "after-42")

	start := time.Now()
	tm.run("send-keys", "-t", "tty", "C-d")
	waitFor(t, func() bool { return statusWritten(status) })
	b, _ := os.ReadFile(status)
	if strings.TrimSpace(string(b)) != "0" {
		t.Fatalf("hcsdiag exec -t exited %q after Ctrl-D\n%s", b, tm.screen("tty"))
	}
	if d := time.Since(start); d > outputGrace {
		t.Errorf("the session took %v to end after Ctrl-D", d)
	}
}

// TestImportProgressOnATerminal checks the progress line's final summary, shown only when
// stderr is a terminal.
func TestImportProgressOnATerminal(t *testing.T) {
	needDaemon(t)
	tm := newTmux(t)
	src := busyboxTar(t)
	dst := filepath.Join(t.TempDir(), "layer")
	t.Cleanup(func() { hcsdiag(t, "layer", "destroy", dst) })
	status := filepath.Join(t.TempDir(), "status")
	tm.start("import", shellLine(status, "layer", "import", src, dst))
	waitFor(t, func() bool { return statusWritten(status) })
	screen := tm.screen("import")
	if !strings.Contains(screen, "importing layer.tar: ") || !strings.Contains(screen, " files, ") || !strings.Contains(screen, "/s)") {
		t.Fatalf("no import summary on the terminal:\n%s", screen)
	}
}

// statusWritten reports whether the shell has written the exit status to path: the file
// exists as soon as the redirection opens it, before the status is in it.
func statusWritten(path string) bool {
	b, err := os.ReadFile(path)
	return err == nil && strings.HasSuffix(string(b), "\n")
}
