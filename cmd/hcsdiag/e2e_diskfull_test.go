package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"golang.org/x/sys/unix"

	"github.com/linuxhcs/hcs/internal/testutil"
)

// With hcsd's state directory on a full filesystem, create fails with ERROR_DISK_FULL naming
// the system and none of the service's directories, leaves no system and no state behind,
// and works once there is room again.
func TestCreateOnAFullStateDirectory(t *testing.T) {
	needDaemon(t)
	d, err := newHcsdRun("full")
	if err != nil {
		t.Fatal(err)
	}
	if err := os.MkdirAll(d.StateDir, 0o700); err != nil {
		t.Fatal(err)
	}
	if err := unix.Mount("tmpfs", d.StateDir, "tmpfs", 0, "size=1m,mode=0700"); err != nil {
		d.leftovers()
		t.Fatal(err)
	}
	scratch := filepath.Join(t.TempDir(), "rw") // removed after the container is terminated
	t.Cleanup(func() {
		d.runIn(t, "", "terminate", "full")
		d.Stop()
		if err := unix.Unmount(d.StateDir, unix.MNT_DETACH); err != nil {
			t.Errorf("unmounting the state directory: %v", err)
		}
		if left := d.leftovers(); len(left) > 0 {
			t.Errorf("hcsd left: %v", left)
		}
	})
	if err := d.Start(); err != nil {
		t.Fatal(err)
	}
	filler := testutil.FillUp(t, d.StateDir)
	systems, _ := os.ReadDir(filepath.Join(d.StateDir, "systems"))

	r := d.runIn(t, "", "create", "full", example("container.json"), "--layer", layer, "--scratch", scratch)
	line := strings.TrimSuffix(r.stderr, "\n")
	if r.code != 1 || !strings.HasPrefix(line, `hcsdiag: create: ERROR_DISK_FULL (0x80070070): compute system "full"`) ||
		strings.Contains(line, d.Base) {
		t.Fatalf("create on a full state directory, want ERROR_DISK_FULL naming the system only:\n%s", r)
	}
	if now, _ := os.ReadDir(filepath.Join(d.StateDir, "systems")); len(now) != len(systems) {
		t.Errorf("the failed create left state: %v", now)
	}
	if r := d.runIn(t, "", "list"); strings.Contains(r.stdout, "full") {
		t.Errorf("the failed create left a system:\n%s", r)
	}

	os.Remove(filler)
	if r := d.runIn(t, "", "create", "full", example("container.json"), "--layer", layer, "--scratch", scratch); r.code != 0 {
		t.Fatalf("create once there is room:\n%s", r)
	}
}
