package container

import (
	"os"
	"os/exec"
	"path/filepath"
	"testing"

	"github.com/linuxhcs/hcs/internal/testutil"
	"github.com/linuxhcs/hcs/storage"
)

func TestDetachRootOutlastsABusyMount(t *testing.T) {
	testutil.RequireRoot(t)
	dir := t.TempDir()
	lower, w := filepath.Join(dir, "lower"), filepath.Join(dir, "rw")
	os.MkdirAll(filepath.Join(lower, "sub"), 0o755)
	if err := storage.PrepareWritable(w); err != nil {
		t.Fatal(err)
	}
	if err := storage.Attach(w, []string{lower}); err != nil {
		t.Fatal(err)
	}
	// A process whose working directory is inside keeps the mount busy, as the last
	// processes of a dying container do.
	holder := exec.Command("sleep", "30")
	holder.Dir = filepath.Join(w, "sub")
	if err := holder.Start(); err != nil {
		t.Fatal(err)
	}
	defer func() { holder.Process.Kill(); holder.Wait() }()
	if err := storage.Detach(w); err == nil {
		t.Fatal("the mount was not busy; the test proves nothing")
	}
	if err := detachRoot(w); err != nil {
		t.Fatalf("detachRoot: %v", err)
	}
	if attached, _ := storage.IsAttached(w); attached {
		t.Fatal("still attached after detachRoot")
	}
}
