package testutil

import (
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
)

// recorder is a testing.TB that records whether the helper skipped or failed. Like the real
// one, Skip and Fatal end the calling goroutine.
type recorder struct {
	testing.TB
	skipped, failed bool
	msg             string
}

func (r *recorder) Helper() {}

func (r *recorder) Skip(args ...any) {
	r.skipped, r.msg = true, fmt.Sprint(args...)
	runtime.Goexit()
}

func (r *recorder) Fatal(args ...any) {
	r.failed, r.msg = true, fmt.Sprint(args...)
	runtime.Goexit()
}

// run calls f with a recorder on its own goroutine so that Skip and Fatal can end it.
func run(t *testing.T, f func(testing.TB)) *recorder {
	r := &recorder{TB: t}
	done := make(chan struct{})
	go func() {
		defer close(done)
		f(r)
	}()
	<-done
	return r
}

func TestRequireRoot(t *testing.T) {
	for _, tc := range []struct {
		name               string
		ci                 string
		isRoot             bool
		wantSkip, wantFail bool
	}{
		{"root", "", true, false, false},
		{"root under CI", "true", true, false, false},
		{"not root", "", false, true, false},
		{"not root, CI=false", "false", false, true, false},
		{"not root under CI", "true", false, false, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Setenv("CI", tc.ci)
			r := run(t, func(tb testing.TB) { requireRoot(tb, tc.isRoot) })
			if r.skipped != tc.wantSkip || r.failed != tc.wantFail {
				t.Errorf("skipped=%v failed=%v, want skipped=%v failed=%v", r.skipped, r.failed, tc.wantSkip, tc.wantFail)
			}
			if (r.skipped || r.failed) && !strings.Contains(r.msg, "root") {
				t.Errorf("reason %q does not say root is needed", r.msg)
			}
		})
	}
}

func TestRequireRootMatchesEUID(t *testing.T) {
	t.Setenv("CI", "")
	r := run(t, func(tb testing.TB) { RequireRoot(tb) })
	if r.skipped != (os.Geteuid() != 0) || r.failed {
		t.Errorf("euid %d: skipped=%v failed=%v", os.Geteuid(), r.skipped, r.failed)
	}
}

// layout makes tmp/repo/{go.mod,a/b} and, when withSpec, tmp/shared/spec/X.md.
func layout(t *testing.T, withSpec bool) (repo, deep string) {
	tmp := t.TempDir()
	repo = filepath.Join(tmp, "repo")
	deep = filepath.Join(repo, "a", "b")
	must(t, os.MkdirAll(deep, 0o755))
	must(t, os.WriteFile(filepath.Join(repo, "go.mod"), []byte("module x\n"), 0o644))
	if withSpec {
		spec := filepath.Join(tmp, "shared", "spec")
		must(t, os.MkdirAll(spec, 0o755))
		must(t, os.WriteFile(filepath.Join(spec, "X.md"), nil, 0o644))
	}
	return repo, deep
}

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

func TestFindModuleRoot(t *testing.T) {
	repo, deep := layout(t, false)
	for _, dir := range []string{repo, deep} {
		got, err := FindModuleRoot(dir)
		if err != nil || got != repo {
			t.Errorf("FindModuleRoot(%s) = %q, %v; want %q", dir, got, err, repo)
		}
	}
	if got, err := FindModuleRoot(filepath.Dir(repo)); err == nil {
		t.Errorf("findModuleRoot above the module = %q, want an error", got)
	}
}

func TestSpecPathLayout(t *testing.T) {
	repo, _ := layout(t, true)
	p, err := specPath(repo, "X.md")
	if err != nil {
		t.Fatal(err)
	}
	if want := filepath.Join(filepath.Dir(repo), "shared", "spec", "X.md"); p != want {
		t.Errorf("specPath = %q, want %q", p, want)
	}
	if _, err := specPath(repo, "missing.md"); err == nil || !strings.Contains(err.Error(), "missing.md") {
		t.Errorf("specPath of a missing file: err = %v, want one naming the file", err)
	}
}

func TestSpecPathMissing(t *testing.T) {
	for _, ci := range []string{"", "true"} {
		t.Setenv("CI", ci)
		r := run(t, func(tb testing.TB) { SpecPath(tb, "no-such-spec.md") })
		if r.skipped == (ci == "true") || r.failed != (ci == "true") {
			t.Errorf("CI=%q: skipped=%v failed=%v", ci, r.skipped, r.failed)
		}
	}
}

func TestSpecPathFindsSharedSpec(t *testing.T) {
	p := SpecPath(t, "HCS-API.md")
	if _, err := os.Stat(p); err != nil {
		t.Fatal(err)
	}
}
