package main

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/linuxhcs/hcs/client"
	"github.com/linuxhcs/hcs/internal/testlayer"
	"github.com/linuxhcs/hcs/internal/testutil"
)

// TestHcsdSweepsWhatDamagedRecordsLeft damages the records of two running containers (one
// on a writable layer the caller named, one on a scratch layer in the state directory)
// while hcsd is down. The restarted service must start and leave nothing of them on the
// host: no runtime entry, mount, cgroup, agent socket or state directory.
func TestHcsdSweepsWhatDamagedRecordsLeft(t *testing.T) {
	testutil.RequireRoot(t)
	layer, err := testlayer.Busybox()
	if err != nil {
		t.Fatal(err)
	}
	bin := buildBinaries(t)
	for _, c := range []struct{ name, file, content string }{
		{"system.json corrupt", "system.json", `{"Id":"dam`},
		{"system.json empty", "system.json", ""},
		{"system.json missing", "system.json", "-"},
		{"driver.json corrupt", "driver.json", `{"RuntimeID":`},
		{"driver.json empty", "driver.json", ""},
		{"driver.json missing", "driver.json", "-"},
	} {
		t.Run(c.name, func(t *testing.T) {
			d := newDaemonRun(t, bin, "runc")
			rw := filepath.Join(t.TempDir(), "rw")
			scratch := filepath.Join(d.StateDir, "systems", "scratch", "scratch")
			rids := map[string]string{} // the runtime's names, read before the records are damaged
			t.Cleanup(func() {
				if rids["named"] != "" {
					d.removeContainer(t, rids["named"], rw)
				}
				if rids["scratch"] != "" {
					d.removeContainer(t, rids["scratch"], scratch)
				}
			})
			d.start(t)
			c1 := d.dial(t)
			runBusybox(t, c1, "named", layer, rw)
			rids["named"] = d.runtimeID(t, "named")
			startScratch(t, c1, "scratch", layer)
			rids["scratch"] = d.runtimeID(t, "scratch")
			d.Kill()
			for _, id := range []string{"named", "scratch"} {
				testutil.Spoil(t, filepath.Join(d.StateDir, "systems", id, c.file), c.content)
			}

			d.start(t)
			if states := listStates(t, d.dial(t)); len(states) != 0 {
				t.Errorf("systems with damaged records are listed: %v", states)
			}
			left := append(d.Leftovers(), d.heldBy(rids["named"], rw)...)
			left = append(left, d.heldBy(rids["scratch"], scratch)...)
			if dirs, _ := os.ReadDir(filepath.Join(d.StateDir, "systems")); len(dirs) > 0 {
				left = append(left, fmt.Sprintf("%d state directories", len(dirs)))
			}
			if len(left) > 0 {
				t.Errorf("the restarted service left %v", left)
			}
			d.stop(t)
		})
	}
}

// startScratch creates and starts a container on a scratch layer in the state directory.
func startScratch(t *testing.T, c *client.Client, id, layer string) {
	ctx, cancel := context.WithTimeout(context.Background(), e2eTimeout)
	defer cancel()
	doc := fmt.Sprintf(`{"Container":{"Storage":{"Layers":[{"Path":%q}]}}}`, layer)
	var sys *client.System
	if _, err := client.Do(ctx, func(op *client.Operation) (err error) { sys, err = c.CreateComputeSystem(id, doc, op); return err }); err != nil {
		t.Fatal(err)
	}
	defer sys.Close()
	if _, err := client.Do(ctx, func(op *client.Operation) error { return sys.Start(op, "") }); err != nil {
		t.Fatal(err)
	}
}

// TestHcsdSweepsAContainerOnlyItsCgroupKnows loses both the record and the runtime entry of
// a running container while hcsd is down: only its cgroup and its scratch root in the state
// directory still say it exists. The restarted service kills it and leaves nothing behind.
func TestHcsdSweepsAContainerOnlyItsCgroupKnows(t *testing.T) {
	testutil.RequireRoot(t)
	layer, err := testlayer.Busybox()
	if err != nil {
		t.Fatal(err)
	}
	d := newDaemonRun(t, buildBinaries(t), "runc")
	scratch := filepath.Join(d.StateDir, "systems", "orphan", "scratch")
	var rid string // the runtime's name for the container, once it exists
	t.Cleanup(func() {
		if rid != "" {
			d.removeContainer(t, rid, scratch)
		}
	})
	d.start(t)
	startScratch(t, d.dial(t), "orphan", layer)
	rid = d.runtimeID(t, "orphan")
	d.Kill()
	pid := d.awaitRunning(t, rid)
	t.Cleanup(func() { killCgroup(t, d, pid, rid) }) // without its runtime entry, nothing else would
	testutil.Spoil(t, filepath.Join(d.StateDir, "systems", "orphan", "system.json"), "-")
	if err := os.RemoveAll(filepath.Join(d.stateRoot(), rid)); err != nil {
		t.Fatal(err)
	}

	d.start(t)
	left := append(d.Leftovers(), d.heldBy(rid, scratch)...)
	if alive(pid) {
		left = append(left, fmt.Sprintf("init pid %d", pid))
	}
	if dirs, _ := os.ReadDir(filepath.Join(d.StateDir, "systems")); len(dirs) > 0 {
		left = append(left, fmt.Sprintf("%d state directories", len(dirs)))
	}
	if len(left) > 0 {
		t.Errorf("the restarted service left %v", left)
	}
	d.stop(t)
}

// alive reports whether pid runs: it exists and is not a zombie waiting for its parent.
func alive(pid int) bool {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return false
	}
	s := string(b)
	return !strings.HasPrefix(s[strings.LastIndexByte(s, ')')+1:], " Z")
}

// killCgroup kills the container's init, ending its pid namespace, and removes its cgroups.
func killCgroup(t *testing.T, d *daemonRun, pid int, rid string) {
	if alive(pid) {
		syscall.Kill(pid, syscall.SIGKILL)
	}
	dirs, _ := filepath.Glob(filepath.Join("/sys/fs/cgroup/*", d.Cgroup, rid))
	for _, dir := range dirs {
		for i := 0; i < 100; i++ { // the killed processes leave the cgroup soon after
			if err := os.Remove(dir); err == nil || os.IsNotExist(err) {
				break
			}
			time.Sleep(20 * time.Millisecond)
		}
		if _, err := os.Stat(dir); err == nil {
			t.Errorf("cgroup %s could not be removed", dir)
		}
	}
}
