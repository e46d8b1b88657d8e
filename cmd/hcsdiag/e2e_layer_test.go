package main

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// busyboxTar writes the test layer as dir/layer.tar and returns dir.
func busyboxTar(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	if out, err := exec.Command("tar", "-C", layer, "-cf", filepath.Join(dir, "layer.tar"), ".").CombinedOutput(); err != nil {
		t.Fatalf("tar: %v\n%s", err, out)
	}
	return dir
}

func TestLayerVerbs(t *testing.T) {
	needDaemon(t)
	src := busyboxTar(t)
	base := filepath.Join(t.TempDir(), "layers", "busybox") // its parent is created
	rw := filepath.Join(t.TempDir(), "rw")
	t.Cleanup(func() { hcsdiag(t, "layer", "detach", rw); hcsdiag(t, "layer", "destroy", rw, base) })

	r := hcsdiag(t, "layer", "import", src, base)
	if r.code != 0 || r.stderr != "" {
		t.Fatalf("layer import (stderr is not a terminal: no progress):\n%s", r)
	}
	fails(t, "ERROR_ALREADY_EXISTS", "layer", "import", src, base)

	// A tarball given as it is, relative paths, gzip.
	gz := filepath.Join(t.TempDir(), "busybox.tgz")
	if out, err := exec.Command("sh", "-c", "gzip -c < "+filepath.Join(src, "layer.tar")+" > "+gz).CombinedOutput(); err != nil {
		t.Fatalf("gzip: %v\n%s", err, out)
	}
	fromGz := filepath.Join(t.TempDir(), "from-gz")
	t.Cleanup(func() { hcsdiag(t, "layer", "destroy", fromGz) })
	ok(t, "layer", "import", gz, fromGz)
	if left, _ := filepath.Glob(filepath.Join(filepath.Dir(gz), ".hcsdiag-import-*")); len(left) > 0 {
		t.Errorf("the import folder was left: %v", left)
	}

	ok(t, "layer", "init", "--parent", base, rw)
	ok(t, "layer", "attach", rw)
	if _, err := os.Stat(filepath.Join(rw, "bin", "busybox")); err != nil {
		t.Fatalf("the attached layer does not show its parent: %v", err)
	}
	if err := os.WriteFile(filepath.Join(rw, "added"), []byte("new\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	fails(t, "ERROR_BUSY", "layer", "destroy", rw)
	ok(t, "layer", "detach", rw)

	out := t.TempDir()
	ok(t, "layer", "export", "--writable", rw, out)
	if list := tarList(t, filepath.Join(out, "layer.tar")); list != "added\n" {
		t.Errorf("the writable layer's export holds %q, want only the added file", list)
	}
	out2 := t.TempDir()
	ok(t, "layer", "export", base, out2)
	if list := tarList(t, filepath.Join(out2, "layer.tar")); !strings.Contains(list, "bin/busybox\n") {
		t.Errorf("the export of the base layer lacks bin/busybox:\n%s", list)
	}
	fails(t, "ERROR_ALREADY_EXISTS", "layer", "export", base, out2)

	// The storage calls check their documents and paths.
	fails(t, "HCS_E_INVALID_LAYER", "layer", "destroy", t.TempDir())
	img := filepath.Join(t.TempDir(), "disk.img")
	os.WriteFile(img, make([]byte, 1<<20), 0o600)
	fails(t, "ERROR_NOT_FOUND", "layer", "mount-path", img)
	ld := filepath.Join(t.TempDir(), "ld.json")
	os.WriteFile(ld, []byte(`{"Layers":[{"Path":"relative"}]}`), 0o600)
	fails(t, "E_INVALIDARG", "layer", "init", "--layer-data", ld, filepath.Join(t.TempDir(), "rw2"))

	ok(t, "layer", "destroy", rw, base)
	for _, p := range []string{rw, base} {
		if _, err := os.Stat(p); !os.IsNotExist(err) {
			t.Errorf("%s still exists after destroy: %v", p, err)
		}
	}
}

func tarList(t *testing.T, path string) string {
	t.Helper()
	out, err := exec.Command("tar", "-tf", path).Output()
	if err != nil {
		t.Fatalf("tar -tf %s: %v", path, err)
	}
	return string(out)
}
