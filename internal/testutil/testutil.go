// Package testutil holds small helpers shared by the module's tests: gating privileged tests on
// root, and finding the shared specification next to the repository. Under CI (env CI=true)
// a test that would be skipped fails instead, so CI never passes by silently skipping.
package testutil

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"testing"
)

// InCI reports whether the tests run under CI: the environment variable CI holds a true value
// ("true", "1").
func InCI() bool {
	ci, _ := strconv.ParseBool(os.Getenv("CI"))
	return ci
}

// RequireRoot skips the test when the process is not root. Under CI it fails the test
// instead: CI runs as root, so a privileged test that cannot run there is a broken set-up.
func RequireRoot(t testing.TB) {
	t.Helper()
	requireRoot(t, os.Geteuid() == 0)
}

func requireRoot(t testing.TB, isRoot bool) {
	t.Helper()
	if !isRoot {
		SkipOrFail(t, "test needs root")
	}
}

// ModuleRoot returns the directory holding the module's go.mod, found by walking up from the
// working directory (go test runs each test in its package directory).
func ModuleRoot(t testing.TB) string {
	t.Helper()
	wd, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	root, err := FindModuleRoot(wd)
	if err != nil {
		t.Fatal(err)
	}
	return root
}

// SpecPath returns the path of the shared specification file name (for example
// "HCS-API.md"), which lives in ../shared/spec relative to the module root. When the file is
// absent the test is skipped, or fails under CI.
func SpecPath(t testing.TB, name string) string {
	t.Helper()
	p, err := specPath(ModuleRoot(t), name)
	if err != nil {
		SkipOrFail(t, err.Error())
	}
	return p
}

func specPath(moduleRoot, name string) (string, error) {
	p := filepath.Join(moduleRoot, "..", "shared", "spec", name)
	if _, err := os.Stat(p); err != nil {
		return "", fmt.Errorf("specification %s not found (expected at %s, next to the repository)", name, p)
	}
	return p, nil
}

// FindModuleRoot returns the directory holding go.mod at dir or above it.
func FindModuleRoot(dir string) (string, error) {
	for d := filepath.Clean(dir); ; {
		if _, err := os.Stat(filepath.Join(d, "go.mod")); err == nil {
			return d, nil
		}
		parent := filepath.Dir(d)
		if parent == d {
			return "", errors.New("no go.mod in " + dir + " or any parent directory")
		}
		d = parent
	}
}

// SkipOrFail skips the test for reason, or, under CI, where the machine is set up to run
// everything (scripts/setup.sh), fails it: nothing may be skipped there.
func SkipOrFail(t testing.TB, reason string) {
	t.Helper()
	if InCI() {
		t.Fatal(reason + " (CI=true: a test that cannot run fails rather than skips)")
	}
	t.Skip(reason)
}
