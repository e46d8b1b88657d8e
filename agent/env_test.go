package agent

import (
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"testing"

	"github.com/linuxhcs/hcs/hresult"
)

func TestBuildEnv(t *testing.T) {
	env, err := buildEnv(map[string]string{"B": "2", "A": "x=y"}, "/home/u")
	want := []string{"A=x=y", "B=2", "HOME=/home/u", "PATH=" + DefaultPath}
	if err != nil || !reflect.DeepEqual(env, want) {
		t.Fatalf("buildEnv = %q, %v; want %q", env, err, want)
	}
	env, _ = buildEnv(map[string]string{"PATH": "/x", "HOME": "/h"}, "/ignored")
	if want := []string{"HOME=/h", "PATH=/x"}; !reflect.DeepEqual(env, want) {
		t.Fatalf("buildEnv = %q, want %q", env, want)
	}
	for _, bad := range []map[string]string{{"": "v"}, {"A=B": "v"}, {"A": "v\x00"}} {
		if _, err := buildEnv(bad, "/"); !errors.Is(err, hresult.E_INVALIDARG) {
			t.Errorf("buildEnv(%q) error = %v", bad, err)
		}
	}
}

func TestLookPath(t *testing.T) {
	dir := t.TempDir()
	exe := filepath.Join(dir, "prog")
	os.WriteFile(exe, []byte("#!/bin/sh\n"), 0o755)
	os.WriteFile(filepath.Join(dir, "noexec"), nil, 0o644)
	if got, err := lookPath("prog", "relative:"+dir); err != nil || got != exe {
		t.Errorf("lookPath(prog) = %q, %v", got, err)
	}
	if got, err := lookPath("./x/y", dir); err != nil || got != "./x/y" {
		t.Errorf("lookPath(./x/y) = %q, %v", got, err)
	}
	if _, err := lookPath("noexec", dir); !errors.Is(err, hresult.E_ACCESSDENIED) {
		t.Errorf("lookPath(noexec) error = %v", err)
	}
	if _, err := lookPath("missing", dir); !errors.Is(err, hresult.ERROR_NOT_FOUND) {
		t.Errorf("lookPath(missing) error = %v", err)
	}
	if _, err := lookPath("prog", "prog-dir-is-relative"); !errors.Is(err, hresult.ERROR_NOT_FOUND) {
		t.Errorf("relative PATH entries must be skipped: %v", err)
	}
}
