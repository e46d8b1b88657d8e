package host_test

import (
	"bytes"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/linuxhcs/hcs/client"
	"github.com/linuxhcs/hcs/driver/fakedriver"
	"github.com/linuxhcs/hcs/host"
	"github.com/linuxhcs/hcs/hresult"
	"github.com/linuxhcs/hcs/internal/testutil"
)

// A host whose state filesystem is full refuses what it cannot record with ERROR_DISK_FULL
// and a message naming the system, and leaves the state as it was: no half-made system
// directory, no temporary file, every record whole. Once there is room again it works.
func TestAFullStateFilesystem(t *testing.T) {
	testutil.RequireRoot(t)
	state := smallTmpfs(t)
	drv := fakedriver.New()
	h, err := host.New(host.Options{Container: drv, StateDir: state, ShutdownTimeout: 5 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	f := &fixture{t: t, h: h, drv: drv, stateDir: state}
	t.Cleanup(func() { h.Close(ctx(t), true) })
	c := f.client()
	a := f.create(c, "a", containerDoc)
	record := filepath.Join(state, "systems", "a", "system.json")
	saved, err := os.ReadFile(record)
	if err != nil {
		t.Fatal(err)
	}
	filler := testutil.FillUp(t, state)
	before := census(t, state)

	_, err = do(t, func(op *client.Operation) error {
		sys, err := c.CreateComputeSystem("b", containerDoc, op)
		if sys != nil {
			defer sys.Close()
		}
		return err
	})
	wantDiskFull(t, err, `compute system "b"`, state)
	_, err = do(t, func(op *client.Operation) error { return a.Start(op, "") })
	wantDiskFull(t, err, `compute system "a"`, state)

	if after := census(t, state); after != before {
		t.Errorf("the state directory changed:\nbefore %s\nafter  %s", before, after)
	}
	if now, err := os.ReadFile(record); err != nil || !bytes.Equal(now, saved) {
		t.Errorf("system a's record is damaged (%v):\n%s\nwas\n%s", err, now, saved)
	}

	if err := os.Remove(filler); err != nil {
		t.Fatal(err)
	}
	f.create(c, "b", containerDoc)
}

// smallTmpfs mounts a 1 MiB tmpfs on a new directory, unmounted when the test ends.
func smallTmpfs(t *testing.T) string {
	t.Helper()
	dir := filepath.Join(t.TempDir(), "state")
	if err := os.Mkdir(dir, 0o700); err != nil {
		t.Fatal(err)
	}
	testutil.MountTmpfs(t, dir, "size=1m,mode=0700")
	return dir
}

// census lists every entry below dir with its size, one per line.
func census(t *testing.T, dir string) string {
	t.Helper()
	var b strings.Builder
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		info, err := d.Info()
		if err != nil {
			return err
		}
		fmt.Fprintf(&b, "%s %v %d; ", strings.TrimPrefix(p, dir), info.Mode(), info.Size())
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return b.String()
}

// wantDiskFull fails unless err is ERROR_DISK_FULL with a message that contains name and
// not the service's state directory.
func wantDiskFull(t *testing.T, err error, name, stateDir string) {
	t.Helper()
	if hresult.FromError(err) != hresult.ERROR_DISK_FULL || !strings.Contains(err.Error(), name) || strings.Contains(err.Error(), stateDir) {
		t.Errorf("error = %v, want ERROR_DISK_FULL naming %s and not %s", err, name, stateDir)
	}
}
