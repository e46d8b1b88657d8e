package hcsdtest

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/linuxhcs/hcs/internal/testutil"
)

func TestDaemonKeepsEverythingApartAndRemovesIt(t *testing.T) {
	testutil.RequireRoot(t) // the agent socket directory is made in /run
	d, err := NewDaemon(Options{Name: "apart", Runtime: "runc"})
	if err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile(d.Config)
	if err != nil {
		t.Fatal(err)
	}
	var cfg map[string]string
	if err := json.Unmarshal(b, &cfg); err != nil {
		t.Fatal(err)
	}
	for key, want := range map[string]string{"StateDir": d.StateDir, "RuntimeRoot": d.RuntimeRoot,
		"AgentSocketDir": d.AgentDir, "CgroupParent": d.Cgroup, "Runtime": "runc"} {
		if cfg[key] != want {
			t.Errorf("config %s = %q, want %q", key, cfg[key], want)
		}
	}
	for _, p := range []string{d.Socket, d.StateDir, d.RuntimeRoot} {
		if !strings.HasPrefix(p, d.Base+"/") {
			t.Errorf("%s is outside the service's directory %s", p, d.Base)
		}
	}
	if left := d.Close(); len(left) > 0 {
		t.Errorf("a service never started left %v", left)
	}
	for _, dir := range []string{d.Base, d.AgentDir} {
		if _, err := os.Stat(dir); !os.IsNotExist(err) {
			t.Errorf("%s is still there: %v", dir, err)
		}
	}
}

func TestStartReportsAnHcsdThatExits(t *testing.T) {
	testutil.RequireRoot(t)
	bin := t.TempDir()
	fake := "#!/bin/sh\necho 'cannot start: no such runtime' >&2\nexit 3\n"
	if err := os.WriteFile(filepath.Join(bin, "hcsd"), []byte(fake), 0o755); err != nil {
		t.Fatal(err)
	}
	d := New(t, Options{Bin: bin, Name: "exits"})
	err := d.Start()
	if err == nil || !strings.Contains(err.Error(), "exit status 3") || !strings.Contains(err.Error(), "no such runtime") {
		t.Fatalf("Start = %v, want the exit and the log", err)
	}
	if d.Running() {
		t.Fatal("Running after hcsd exited")
	}
}
