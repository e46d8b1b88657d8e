package container_test

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/linuxhcs/hcs/client"
	"github.com/linuxhcs/hcs/hresult"
	"github.com/linuxhcs/hcs/internal/testlayer"
	"github.com/linuxhcs/hcs/schema"
	"github.com/linuxhcs/hcs/storage"
)

// tarLayer packs dir as a layer.tar in a new transport folder.
func tarLayer(t *testing.T, dir string) string {
	t.Helper()
	out := t.TempDir()
	if b, err := exec.Command("tar", "--xattrs", "-C", dir, "-cf", filepath.Join(out, "layer.tar"), ".").CombinedOutput(); err != nil {
		t.Fatalf("tar: %v\n%s", err, b)
	}
	return out
}

// TestContainerOnImportedLayers imports a busybox base and an application layer that
// replaces, deletes (whiteout) and makes opaque parts of it, prepares a writable layer with
// the storage functions, and runs a container on them.
func TestContainerOnImportedLayers(t *testing.T) {
	forEachRuntime(t, func(t *testing.T, e *env) {
		base, err := testlayer.Busybox()
		if err != nil {
			t.Fatal(err)
		}
		app := t.TempDir()
		os.MkdirAll(filepath.Join(app, "etc"), 0o755)
		os.WriteFile(filepath.Join(app, "etc", "hostname"), []byte("from-app\n"), 0o644)
		os.WriteFile(filepath.Join(app, "etc", ".wh.group"), nil, 0o644)
		os.MkdirAll(filepath.Join(app, "home"), 0o755)
		os.WriteFile(filepath.Join(app, "home", ".wh..wh..opq"), nil, 0o644)
		os.WriteFile(filepath.Join(app, "home", "only"), []byte("new home\n"), 0o644)

		root := t.TempDir()
		baseLayer, appLayer, rw := filepath.Join(root, "base"), filepath.Join(root, "app"), filepath.Join(root, "rw")
		if err := e.c.ImportLayer(t.Context(), baseLayer, tarLayer(t, base), ""); err != nil {
			t.Fatal(err)
		}
		parents := fmt.Sprintf(`{"SchemaVersion":{"Major":2,"Minor":1},"Layers":[{"Id":"00000000-0000-0000-0000-000000000001","Path":%q}]}`, baseLayer)
		if err := e.c.ImportLayer(t.Context(), appLayer, tarLayer(t, app), parents); err != nil {
			t.Fatal(err)
		}
		chain := fmt.Sprintf(`{"SchemaVersion":{"Major":2,"Minor":1},"Layers":[{"Id":"00000000-0000-0000-0000-000000000002","Path":%q},{"Id":"00000000-0000-0000-0000-000000000001","Path":%q}]}`, appLayer, baseLayer)
		if err := e.c.InitializeWritableLayer(t.Context(), rw, chain, ""); err != nil {
			t.Fatal(err)
		}
		doc := &schema.ComputeSystem{Container: &schema.Container{Storage: &schema.Storage{
			Layers: []schema.Layer{{Path: appLayer}, {Path: baseLayer}}, Path: rw,
		}}}
		sys := e.start("imported-"+e.runtime, doc)
		out := mustRun(t, sys, "cat /etc/hostname; ls /home; test -e /etc/group && echo GROUP; test -e /etc/passwd && echo PASSWD; busybox true && echo BUSYBOX")
		want := "from-app\nonly\nPASSWD\nBUSYBOX\n"
		if out != want {
			t.Fatalf("merged view:\n%s\nwant:\n%s", out, want)
		}
		if strings.Contains(out, "GROUP") {
			t.Fatal("a whiteout did not hide /etc/group")
		}
	})
}

// TestContainerOnWritableLayerOverPlainDirectory initialises a writable layer over a plain
// directory tree (as containers take one) and runs a container that names only the
// writable layer: it goes over the parents the layer recorded.
func TestContainerOnWritableLayerOverPlainDirectory(t *testing.T) {
	forEachRuntime(t, func(t *testing.T, e *env) {
		base, err := testlayer.Busybox()
		if err != nil {
			t.Fatal(err)
		}
		rw := filepath.Join(t.TempDir(), "rw")
		chain := fmt.Sprintf(`{"SchemaVersion":{"Major":2,"Minor":1},"Layers":[{"Id":"00000000-0000-0000-0000-000000000001","Path":%q}]}`, base)
		if err := e.c.InitializeWritableLayer(t.Context(), rw, chain, ""); err != nil {
			t.Fatalf("InitializeWritableLayer over a plain directory: %v", err)
		}
		doc := &schema.ComputeSystem{Container: &schema.Container{Storage: &schema.Storage{Path: rw}}}
		sys := e.start("plain-parent-"+e.runtime, doc)
		if out := mustRun(t, sys, "busybox true && echo BUSYBOX"); out != "BUSYBOX\n" {
			t.Fatalf("in the container: %q", out)
		}
	})
}

// TestContainerOnWritableLayerWithoutParentsIsRefused: a writable layer initialised with no
// parents gives a container nothing to run; creating one on it fails instead of mounting an
// empty root filesystem.
func TestContainerOnWritableLayerWithoutParentsIsRefused(t *testing.T) {
	forEachRuntime(t, func(t *testing.T, e *env) {
		rw := filepath.Join(t.TempDir(), "rw")
		if err := e.c.InitializeWritableLayer(t.Context(), rw, "", ""); err != nil {
			t.Fatal(err)
		}
		op := client.NewOperation(nil, nil)
		defer op.Close()
		sys, err := e.c.CreateComputeSystem("no-parents-"+e.runtime, `{"Container":{"Storage":{"Path":"`+rw+`"}}}`, op)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { stopAndClose(t, sys) })
		_, err = op.Wait(timeout(t))
		if !hresult.Is(err, hresult.HCS_E_INVALID_LAYER) || !strings.Contains(err.Error(), "writable layer "+rw+" records no parent layers") {
			t.Fatalf("creating a container on a writable layer without parents: %v, want HCS_E_INVALID_LAYER", err)
		}
		if attached, _ := storage.IsAttached(rw); attached {
			t.Fatal("the writable layer was left attached")
		}
	})
}
