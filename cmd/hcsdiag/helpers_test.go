package main

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/linuxhcs/hcs/internal/testutil"
)

// result is what one run of hcsdiag did.
type result struct {
	stdout, stderr string
	code           int
}

func (r result) String() string {
	return "exit " + strconv.Itoa(r.code) + "\nstdout:\n" + r.stdout + "\nstderr:\n" + r.stderr
}

// env is the environment hcsdiag runs with against d: its socket, and its config for a
// private service, so no test reaches the machine's own service directories.
func (d *hcsdRun) env() []string {
	var env []string
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "HCS_SOCKET=") && !strings.HasPrefix(kv, configEnv+"=") {
			env = append(env, kv)
		}
	}
	return append(env, "HCS_SOCKET="+d.Socket, configEnv+"="+d.Config)
}

// command prepares hcsdiag with args against d; its output may be read while it runs.
func (d *hcsdRun) command(ctx context.Context, stdin string, args ...string) (*exec.Cmd, *testutil.Buffer, *testutil.Buffer) {
	cmd := exec.CommandContext(ctx, filepath.Join(binDir, "hcsdiag"), args...)
	cmd.Env = d.env()
	cmd.Stdin = strings.NewReader(stdin)
	var out, errb testutil.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	return cmd, &out, &errb
}

// runIn runs hcsdiag with args and stdin against d and waits for it.
func (d *hcsdRun) runIn(t *testing.T, stdin string, args ...string) result {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), e2eTimeout)
	defer cancel()
	cmd, out, errb := d.command(ctx, stdin, args...)
	err := cmd.Run()
	r := result{stdout: out.String(), stderr: errb.String()}
	if ee, ok := err.(*exec.ExitError); ok {
		r.code = ee.ExitCode()
	} else if err != nil {
		t.Fatalf("hcsdiag %s: %v", strings.Join(args, " "), err)
	}
	if d == daemon && strings.Contains(r.stderr, privateNote) {
		t.Fatalf("hcsdiag %s used a private service: the test's hcsd did not answer\n%s", strings.Join(args, " "), r)
	}
	return r
}

// hcsdiag runs hcsdiag against the package's hcsd.
func hcsdiag(t *testing.T, args ...string) result {
	t.Helper()
	return daemon.runIn(t, "", args...)
}

// ok runs hcsdiag, requires success, and returns its stdout.
func ok(t *testing.T, args ...string) string {
	t.Helper()
	r := hcsdiag(t, args...)
	if r.code != 0 {
		t.Fatalf("hcsdiag %s:\n%s", strings.Join(args, " "), r)
	}
	return r.stdout
}

// fails runs hcsdiag and requires the house error line: exit 1 and "hcsdiag: VERB: NAME
// (0x...): ..." on stderr naming code.
func fails(t *testing.T, code string, args ...string) result {
	t.Helper()
	r := hcsdiag(t, args...)
	if r.code != 1 || !strings.Contains(r.stderr, ": "+code+" (0x") || !strings.HasPrefix(r.stderr, "hcsdiag: ") {
		t.Fatalf("hcsdiag %s: want exit 1 and %s, got\n%s", strings.Join(args, " "), code, r)
	}
	return r
}

// needDaemon skips (or under CI fails) a test that needs root and the package's hcsd.
func needDaemon(t *testing.T) {
	t.Helper()
	testutil.RequireRoot(t)
	if daemon == nil {
		t.Fatal("the test's hcsd is not running")
	}
}

// example is the path of a document in examples/.
func example(name string) string { return filepath.Join("..", "..", "examples", name) }

// newContainer creates and starts a busybox container from examples/container.json and
// terminates it at the end of the test.
func newContainer(t *testing.T, id string) {
	t.Helper()
	scratch := filepath.Join(t.TempDir(), "rw")
	t.Cleanup(func() { hcsdiag(t, "terminate", id) })
	if out := ok(t, "create", id, example("container.json"), "--layer", layer, "--scratch", scratch); out != id+"\n" {
		t.Fatalf("create printed %q, want the id", out)
	}
	ok(t, "start", id)
}
