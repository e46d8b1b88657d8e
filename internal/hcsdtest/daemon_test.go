package hcsdtest

import (
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

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

func TestCensusSeesWhatIsLeftOnTheHost(t *testing.T) {
	testutil.RequireRoot(t)
	d := New(t, Options{Name: "census"})
	if err := os.MkdirAll(d.StateDir, 0o700); err != nil {
		t.Fatal(err)
	}
	before := d.Census()
	mnt := filepath.Join(d.Base, "mnt")
	hierarchy := "/sys/fs/cgroup/memory" // a v1 hierarchy on hybrid hosts
	if _, err := os.Stat(hierarchy); err != nil {
		hierarchy = "/sys/fs/cgroup" // the unified one
	}
	cgroup := filepath.Join(hierarchy, d.Cgroup, "left")
	for _, dir := range []string{mnt, cgroup} {
		if err := os.MkdirAll(dir, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	testutil.MountTmpfs(t, mnt, "size=1m")
	t.Cleanup(func() { os.Remove(cgroup) })
	if err := os.WriteFile(filepath.Join(d.StateDir, "stray"), nil, 0o600); err != nil {
		t.Fatal(err)
	}
	sleeper := exec.Command("tail", "-f", filepath.Join(d.StateDir, "stray")) // names the service's directory
	if err := sleeper.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { sleeper.Process.Kill(); sleeper.Wait() })
	for i := 0; i < 500 && !strings.HasPrefix(cmdline(sleeper.Process.Pid), "tail"); i++ {
		time.Sleep(10 * time.Millisecond) // until it has exec'd
	}

	diff := strings.Join(d.Census().Diff(before), "\n")
	for _, want := range []string{"+ mount " + mnt, "+ cgroup " + cgroup, "+ state stray", "+ process " + strconv.Itoa(sleeper.Process.Pid)} {
		if !strings.Contains(diff, want) {
			t.Errorf("the census diff does not show %q:\n%s", want, diff)
		}
	}
	if diff := d.Census().Diff(d.Census()); len(diff) != 0 {
		t.Errorf("two censuses of an unchanged host differ: %v", diff)
	}
}

// cmdline returns the command line of pid.
func cmdline(pid int) string {
	b, _ := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/cmdline")
	return string(b)
}
