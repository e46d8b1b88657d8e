package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/linuxhcs/hcs/hresult"
)

// A config file for the private hcsd that hcsd would refuse is an error naming the file,
// and hcsdiag makes nothing on the host on the way: no state directory, no lock, no run
// directory, no private socket directory. hcsd's defaults point into the test's directory,
// and an hcsd that fails as the real one does on such a file is the one found on PATH.
func TestABadConfigTouchesNothing(t *testing.T) {
	root := t.TempDir()
	defaultStateDir = filepath.Join(root, "var-lib-hcs")
	defaultRunDir = filepath.Join(root, "run-hcs")
	t.Cleanup(func() { defaultStateDir, defaultRunDir = "/var/lib/hcs", "/run/hcs" })
	bin := filepath.Join(root, "bin")
	if err := os.Mkdir(bin, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(bin, "hcsd"), []byte("#!/bin/sh\necho \"hcsd: config: refused\" >&2\nexit 2\n"), 0o755); err != nil {
		t.Fatal(err)
	}
	t.Setenv("PATH", bin)
	tmp := filepath.Join(root, "tmp")
	if err := os.Mkdir(tmp, 0o700); err != nil {
		t.Fatal(err)
	}
	t.Setenv("TMPDIR", tmp)
	configs := filepath.Join(root, "configs")
	if err := os.Mkdir(configs, 0o700); err != nil {
		t.Fatal(err)
	}
	write := func(name, body string) string {
		p := filepath.Join(configs, name)
		if err := os.WriteFile(p, []byte(body), 0o600); err != nil {
			t.Fatal(err)
		}
		return p
	}
	cases := []struct {
		name, config string
		code         hresult.HRESULT
		says         string
	}{
		{"missing", filepath.Join(configs, "missing.json"), hresult.ERROR_NOT_FOUND, "no such file"},
		{"a directory", configs, hresult.E_INVALIDARG, "is a directory"},
		{"not JSON", write("bad.json", "StateDir=/x"), hresult.HCS_E_INVALID_JSON, "invalid character"},
		{"relative state", write("rel.json", `{"StateDir":"state"}`), hresult.E_INVALIDARG, `StateDir "state"`},
	}
	for _, c := range cases {
		t.Setenv(configEnv, c.config)
		var stderr bytes.Buffer
		p, err := startPrivate(context.Background(), &stderr)
		if p != nil {
			p.stop()
			t.Fatalf("%s: a private service started", c.name)
		}
		want := configEnv + ": config file " + c.config + ": "
		if hresult.FromError(err) != c.code || !strings.Contains(err.Error(), want) || !strings.Contains(err.Error(), c.says) {
			t.Errorf("%s: %v\nwant %s naming %q and saying %q", c.name, err, c.code, want, c.says)
		}
		for _, made := range []string{defaultStateDir, defaultRunDir, "state"} {
			if _, err := os.Lstat(made); err == nil {
				t.Errorf("%s: %s was created", c.name, made)
				os.RemoveAll(made)
			}
		}
		if left, _ := os.ReadDir(tmp); len(left) > 0 {
			t.Errorf("%s: left in TMPDIR: %v", c.name, left)
		}
	}
}
