package faultpoint

import (
	"os"
	"os/exec"
	"strings"
	"syscall"
	"testing"
	"time"
)

var (
	stepOne = New("test/one")
	stepTwo = New("test/two")
)

// childEnv, when set, makes the test binary reach both steps and exit 0: the child the
// tests below start with Env set.
const childEnv = "FAULTPOINT_TEST_CHILD"

func TestMain(m *testing.M) {
	if os.Getenv(childEnv) != "" {
		stepOne.Reach()
		os.Stdout.WriteString("past one\n")
		stepTwo.Reach()
		os.Stdout.WriteString("past two\n")
		os.Exit(0)
	}
	os.Exit(m.Run())
}

// child runs the test binary as the child with Env set to fault, until it exits or timeout.
func child(t *testing.T, fault string, timeout time.Duration) (string, error) {
	t.Helper()
	cmd := exec.Command(os.Args[0])
	cmd.Env = append(os.Environ(), childEnv+"=1", Env+"="+fault)
	var out strings.Builder
	cmd.Stdout, cmd.Stderr = &out, &out
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	select {
	case err := <-done:
		return out.String(), err
	case <-time.After(timeout):
		cmd.Process.Kill()
		<-done
		return out.String(), errTimeout
	}
}

var errTimeout = &timeoutError{}

type timeoutError struct{}

func (*timeoutError) Error() string { return "still running" }

func TestKillStopsTheProcessAtTheStep(t *testing.T) {
	out, err := child(t, Setting("kill", "test/two"), time.Minute)
	ee, ok := err.(*exec.ExitError)
	if !ok || ee.Sys().(syscall.WaitStatus).Signal() != syscall.SIGKILL {
		t.Fatalf("child ended with %v, want SIGKILL; output:\n%s", err, out)
	}
	if !strings.Contains(out, "past one") || strings.Contains(out, "past two") {
		t.Fatalf("child did not stop at test/two:\n%s", out)
	}
	if !strings.Contains(out, "killing the process at test/two") {
		t.Fatalf("child did not name the step:\n%s", out)
	}
}

func TestHangStopsTheProcessAtTheStep(t *testing.T) {
	out, err := child(t, Setting("hang", "test/one"), 2*time.Second)
	if err != errTimeout || strings.Contains(out, "past one") {
		t.Fatalf("child ended with %v, want it stopped at test/one; output:\n%s", err, out)
	}
}

func TestUnsetOrUnknownSettingsDoNothing(t *testing.T) {
	for _, fault := range []string{"", "kill:test/none", "explode:test/one", "test/one"} {
		out, err := child(t, fault, time.Minute)
		if err != nil || !strings.Contains(out, "past two") {
			t.Errorf("%s=%q: child ended with %v:\n%s", Env, fault, err, out)
		}
	}
}

func TestAllListsDeclaredStepsByPrefix(t *testing.T) {
	if got := strings.Join(All("test/"), " "); got != "test/one test/two" {
		t.Fatalf("All(test/) = %q", got)
	}
	if got := All("nothing/"); len(got) != 0 {
		t.Fatalf("All(nothing/) = %q", got)
	}
}

func TestDeclaringAStepTwicePanics(t *testing.T) {
	defer func() {
		if recover() == nil {
			t.Fatal("no panic")
		}
	}()
	New("test/one")
}
