//go:build capi

package harness

import (
	"bufio"
	"context"
	"io"
	"os"
	"os/exec"
	"strings"
	"testing"

	"github.com/linuxhcs/hcs/internal/hcsdtest"
	"github.com/linuxhcs/hcs/internal/testlayer"
	"github.com/linuxhcs/hcs/internal/testutil"
)

// startService starts bin/hcsd for the C tests, isolated by internal/hcsdtest (its socket,
// state, runtime state, agent sockets and cgroups kept apart from everything else on the
// host), and waits until it answers. When the test ends, every compute system it still
// knows is terminated (an error: the C tests clean up after themselves), hcsd is stopped,
// and what it left on the host is reported.
func startService(t *testing.T) *hcsdtest.Daemon {
	t.Helper()
	requireBin(t, "hcs-agent") // hcsd finds it next to itself
	requireBin(t, "hcsd")
	return hcsdtest.Run(t, hcsdtest.Options{Bin: binDir(), Name: "capi", Runtime: os.Getenv("HCS_TEST_RUNTIME")})
}

// serviceEnv returns the environment of a C test that uses s and containers on the busybox
// layer, with writable layers under a directory of the test.
func serviceEnv(t *testing.T, s *hcsdtest.Daemon) []string {
	layer, err := testlayer.Busybox()
	if err != nil {
		t.Fatal(err)
	}
	return []string{"HCS_SOCKET=" + s.Socket, "HCS_TEST_LAYER=" + layer, "HCS_TEST_SCRATCH=" + t.TempDir()}
}

// TestWithService runs the C tests that talk to hcsd: the error paths that need a service,
// a container's whole life, handles closed right after a call, callbacks, the storage and VM
// file functions, a program using L"" with -fshort-wchar, and then all but the last under
// valgrind.
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
		{"closeafter", func(t *testing.T) string { return cTest(t, "closeafter", c11) }, nil},
		{"callbacks", func(t *testing.T) string { return cTest(t, "callbacks", c11) }, nil},
		{"storage", func(t *testing.T) string { return cTest(t, "storage", c11) }, nil},
		{"shortwchar", func(t *testing.T) string { return cTest(t, "shortwchar", c11Short) }, nil},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			runProgram(t, serviceEnv(t, s), append([]string{tc.prog(t)}, tc.args...)...)
		})
	}
	for _, tc := range tests[:5] {
		t.Run("valgrind/"+tc.name, func(t *testing.T) {
			memcheck(t, serviceEnv(t, s), append([]string{tc.prog(t)}, tc.args...)...)
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
	cmd.Env = append(os.Environ(), serviceEnv(t, s)...)
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
			if err := s.Stop(); err != nil {
				t.Errorf("hcsd after SIGTERM: %v", err)
			}
		case "start hcsd":
			if err := s.Start(); err != nil {
				t.Fatal(err)
			}
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
