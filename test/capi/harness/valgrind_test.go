//go:build capi

package harness

import (
	"github.com/linuxhcs/hcs/internal/testutil"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
)

// valgrindExit is the exit status valgrind gives a program in which it found errors.
const valgrindExit = 99

var (
	valgrindOnce sync.Once
	valgrindLib  string // directory of the valgrind build of the library
	valgrindErr  string
)

// valgrindLibrary builds libcomputecore.so with -tags valgrind: its Go runtime describes the Go
// heap and goroutine stacks to memcheck. It is otherwise the library of bin/.
func valgrindLibrary(t *testing.T) string {
	t.Helper()
	if _, err := exec.LookPath("valgrind"); err != nil {
		testutil.SkipOrFail(t, "valgrind is not installed (scripts/setup.sh installs it)")
	}
	valgrindOnce.Do(func() {
		dir := filepath.Join(buildDir, "valgrind")
		cmd := exec.Command("go", "build", "-tags", "valgrind", "-buildmode=c-shared", "-buildvcs=false",
			"-o", filepath.Join(dir, "libcomputecore.so"), "./cmd/libcomputecore")
		cmd.Dir = moduleRoot
		cmd.Env = append(os.Environ(), "CGO_ENABLED=1")
		if b, err := cmd.CombinedOutput(); err != nil {
			valgrindErr = err.Error() + "\n" + string(b)
			return
		}
		valgrindLib = dir
	})
	if valgrindLib == "" {
		t.Fatalf("building the valgrind library: %s", valgrindErr)
	}
	return valgrindLib
}

// valgrindGODEBUG keeps the Go runtime inside what memcheck can run on any CPU:
//   - asyncpreemptoff=1: signal-based preemption writes a frame below the interrupted
//     goroutine's stack pointer, which memcheck reports as invalid writes.
//   - cpu.rdtscp=off: memcheck's virtual CPU always claims RDTSCP (it answers CPUID as a fixed
//     model), but decodes the instruction only when the real CPU has it. On a CPU without it
//     (some AMD EPYC guests) the runtime's cputicks, used on every contended lock, would stop
//     the program with SIGILL; with the feature off it reads the clock with LFENCE+RDTSC.
const valgrindGODEBUG = "asyncpreemptoff=1,cpu.rdtscp=off"

// underValgrind runs a compiled C test under memcheck: any invalid access, use of an
// uninitialised value or definitely lost block outside the Go runtime fails it. It returns
// the output and whether valgrind found errors.
func underValgrind(t *testing.T, env []string, argv ...string) (string, bool) {
	t.Helper()
	lib := valgrindLibrary(t)
	args := []string{"valgrind", "--error-exitcode=" + strconv.Itoa(valgrindExit), "--leak-check=full",
		"--errors-for-leak-kinds=definite", "--show-leak-kinds=definite",
		"--suppressions=" + filepath.Join(sourceDir, "valgrind.supp"), "--num-callers=30"}
	env = append(env, "LD_LIBRARY_PATH="+lib, "GODEBUG="+valgrindGODEBUG)
	out, err := execProgram(env, append(args, argv...)...)
	if ee, ok := err.(*exec.ExitError); ok && ee.ExitCode() == valgrindExit {
		return out, true
	}
	if err != nil {
		t.Fatalf("valgrind %s: %v\n%s", strings.Join(argv, " "), err, out)
	}
	if !strings.Contains(out, "ERROR SUMMARY: 0 errors") {
		t.Fatalf("valgrind %s: no clean error summary:\n%s", strings.Join(argv, " "), out)
	}
	return out, false
}

// memcheck runs a C test under valgrind and fails the test on any error valgrind reports.
func memcheck(t *testing.T, env []string, argv ...string) {
	t.Helper()
	out, found := underValgrind(t, env, argv...)
	if found {
		t.Fatalf("valgrind found errors in %s:\n%s", strings.Join(argv, " "), out)
	}
	t.Logf("valgrind %s: no errors, no leaks", strings.Join(argv, " "))
}

// TestValgrindOffline runs the offline error paths under memcheck, and checks that memcheck
// does report a string the caller never frees: the suppressions hide only the Go runtime.
func TestValgrindOffline(t *testing.T) {
	env := []string{"HCS_SOCKET=" + filepath.Join(t.TempDir(), "no-hcsd.sock")}
	t.Run("errors", func(t *testing.T) {
		memcheck(t, env, cTest(t, "errors", c11), "offline")
	})
	t.Run("leak-is-found", func(t *testing.T) {
		out, found := underValgrind(t, env, cTest(t, "leak", c11))
		if !found || !strings.Contains(out, "definitely lost") || !strings.Contains(out, "Cfunc__Cmalloc") {
			t.Fatalf("valgrind did not report the leaked result document:\n%s", out)
		}
	})
}
