//go:build stress

package stress

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/linuxhcs/hcs/hresult"
	"github.com/linuxhcs/hcs/internal/testutil"
)

// TestFullStateFilesystem fills the service's state filesystem (a small tmpfs) while a
// container runs: what needs a new record fails with ERROR_DISK_FULL and leaves nothing,
// the running container stays usable, the service restarts on the full filesystem, and once
// there is room again everything works.
func TestFullStateFilesystem(t *testing.T) {
	s := newService(t, runtimes()[0], func(s *service) {
		if err := os.MkdirAll(s.StateDir, 0o700); err != nil {
			t.Fatal(err)
		}
		testutil.MountTmpfs(t, s.StateDir, "size=2m,mode=0700")
	})
	c := s.dial()
	sys, err := runContainer(ctx(t), c, "full-0", s.writable("full-0"))
	if err != nil {
		t.Fatal(err)
	}
	filler := testutil.FillUp(t, s.StateDir)

	if _, err := create(ctx(t), c, "full-1", s.writable("full-1")); !hresult.Is(err, hresult.ERROR_DISK_FULL) {
		t.Errorf("creating a system on a full state filesystem: %v, want ERROR_DISK_FULL", err)
	}
	layer := filepath.Join(s.work, "full-layer")
	if err := c.ImportLayer(ctx(t), layer, s.work, ""); !hresult.Is(err, hresult.ERROR_DISK_FULL) {
		t.Errorf("importing a layer with a full state filesystem: %v, want ERROR_DISK_FULL", err)
	}
	if _, err := os.Stat(layer); !os.IsNotExist(err) {
		t.Errorf("the refused import left %s: %v", layer, err)
	}
	if err := echo(ctx(t), sys, "still"); err != nil {
		t.Errorf("the running container on a full state filesystem: %v", err)
	}
	sys.Close()
	c.Close()

	s.restart() // on the full filesystem
	c = s.dial()
	defer c.Close()
	if states, err := listed(ctx(t), c); err != nil || states["full-0"] != "Running" || len(states) != 1 {
		t.Errorf("after a restart on the full filesystem the service lists %v (%v), want full-0 Running only", states, err)
	}
	if err := os.Remove(filler); err != nil {
		t.Fatal(err)
	}
	if err := lifecycle(ctx(t), c, "full-1", s.writable("full-1")); err != nil {
		t.Errorf("once there is room again: %v", err)
	}
	checkAll(t, c)
}
