//go:build capi

// Package harness runs the C tests of the HCS C API: the C programs of test/capi, written
// from the specification against include/ and linked with bin/libcomputecore.so. `make test`
// runs it (go test -tags capi ./test/capi/harness) once bin/ holds the library, hcsd and hcs-agent.
//
// Everything that needs no service runs as any user: the exported symbols and the headers
// against HCS-API.md, the ABI, the error paths with no service listening, and valgrind over
// those. The tests that run containers start their own hcsd and need root; as another user they
// skip, and under CI (CI=true) they fail instead.
package harness

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/linuxhcs/hcs/internal/testlayer"
	"github.com/linuxhcs/hcs/internal/testutil"
)

// programTimeout bounds one run of a C program (valgrind makes them slower).
const programTimeout = 5 * time.Minute

// skipExit is the exit status of a C test that cannot run here.
const skipExit = 77

var (
	moduleRoot string // the directory of go.mod
	sourceDir  string // the C programs: test/capi
	buildDir   string // compiled C programs and the valgrind build of the library
)

func TestMain(m *testing.M) {
	code, err := run(m)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		code = 1
	}
	os.Exit(code)
}

func run(m *testing.M) (int, error) {
	wd, err := os.Getwd()
	if err != nil {
		return 0, err
	}
	moduleRoot = filepath.Clean(filepath.Join(wd, "..", "..", ".."))
	if _, err := os.Stat(filepath.Join(moduleRoot, "go.mod")); err != nil {
		return 0, fmt.Errorf("test/capi/harness must run from its package directory: %w", err)
	}
	sourceDir = filepath.Join(moduleRoot, "test", "capi")
	if buildDir, err = os.MkdirTemp("", "hcs-capi-"); err != nil {
		return 0, err
	}
	defer os.RemoveAll(buildDir)
	code := m.Run()
	testlayer.Cleanup()
	return code, nil
}

// binDir is where make puts the library and the daemons.
func binDir() string { return filepath.Join(moduleRoot, "bin") }

// requireBin fails the test unless bin/ holds name; make builds it before running the tests.
func requireBin(t *testing.T, name string) string {
	t.Helper()
	p := filepath.Join(binDir(), name)
	if _, err := os.Stat(p); err != nil {
		t.Fatalf("%s is missing: run `make test` (or `make %s`) first", p, filepath.Join("bin", name))
	}
	return p
}

// A compiler invocation for the C programs.
type compiler struct {
	cc    string   // gcc or g++
	flags []string // language flags
}

var (
	c11        = compiler{"gcc", []string{"-std=c11", "-pedantic"}}
	c11Short   = compiler{"gcc", []string{"-std=c11", "-pedantic", "-fshort-wchar"}}
	cplusplus  = compiler{"g++", []string{"-std=c++11", "-pedantic", "-x", "c++"}}
	compileMu  sync.Mutex
	compiledOK = map[string]string{}
)

// program compiles the C program out from sources of this directory, once per test binary,
// linked with bin/libcomputecore.so by rpath as docs/capi.md describes, and returns its path.
func program(t *testing.T, out string, c compiler, sources ...string) string {
	t.Helper()
	requireBin(t, "libcomputecore.so")
	compileMu.Lock()
	defer compileMu.Unlock()
	if p, ok := compiledOK[out]; ok {
		return p
	}
	p := filepath.Join(buildDir, out)
	args := append([]string{}, c.flags...)
	args = append(args, "-Wall", "-Wextra", "-Werror", "-g", "-I", filepath.Join(moduleRoot, "include"), "-o", p)
	args = append(args, sources...)
	if c.cc == "g++" {
		args = append(args, "-x", "none") // what follows is not C++ source
	}
	args = append(args, "-L", binDir(), "-lcomputecore", "-Wl,-rpath,"+binDir(), "-Wl,--enable-new-dtags", "-pthread")
	cmd := exec.Command(c.cc, args...)
	cmd.Dir = sourceDir
	if b, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("%s %s: %v\n%s", c.cc, strings.Join(args, " "), err, b)
	}
	compiledOK[out] = p
	return p
}

// cTest compiles one of the test programs with the helpers of hcstest.c.
func cTest(t *testing.T, name string, c compiler) string {
	return program(t, name, c, name+".c", "hcstest.c")
}

// runProgram runs a compiled C test with env added to the environment. It skips the test when
// the program exits with skipExit, and fails it on any other failure.
func runProgram(t *testing.T, env []string, argv ...string) string {
	t.Helper()
	out, err := execProgram(env, argv...)
	var ee *exec.ExitError
	if errors.As(err, &ee) && ee.ExitCode() == skipExit {
		testutil.SkipOrFail(t, strings.TrimSpace(out))
	}
	if err != nil {
		t.Fatalf("%s: %v\n%s", strings.Join(argv, " "), err, out)
	}
	t.Logf("%s:\n%s", strings.Join(argv, " "), out)
	return out
}

func execProgram(env []string, argv ...string) (string, error) {
	ctx, cancel := context.WithTimeout(context.Background(), programTimeout)
	defer cancel()
	cmd := exec.CommandContext(ctx, argv[0], argv[1:]...)
	cmd.Env = append(os.Environ(), env...)
	b, err := cmd.CombinedOutput()
	if ctx.Err() != nil {
		err = fmt.Errorf("still running after %v", programTimeout)
	}
	return string(b), err
}

func TestABI(t *testing.T) {
	for _, c := range []struct {
		name string
		cc   compiler
	}{{"abi-c11", c11}, {"abi-shortwchar", c11Short}, {"abi-cplusplus", cplusplus}} {
		t.Run(c.name, func(t *testing.T) {
			runProgram(t, nil, program(t, c.name, c.cc, "abi.c"))
		})
	}
}

// TestErrorsOffline runs the error-path checks that need no service, with nothing listening
// on the socket: those calls must report HCS_E_SERVICE_NOT_AVAILABLE.
func TestErrorsOffline(t *testing.T) {
	prog := cTest(t, "errors", c11)
	runProgram(t, []string{"HCS_SOCKET=" + filepath.Join(t.TempDir(), "no-hcsd.sock")}, prog, "offline")
}
