package storage

import (
	"archive/tar"
	"bytes"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/linuxhcs/hcs/hresult"
	"github.com/linuxhcs/hcs/internal/testlayer"
	"github.com/linuxhcs/hcs/internal/testutil"
)

// layerData is a LayerData document listing paths, topmost first.
func layerData(paths ...string) string {
	var b strings.Builder
	b.WriteString(`{"SchemaVersion":{"Major":2,"Minor":1},"Layers":[`)
	for i, p := range paths {
		if i > 0 {
			b.WriteString(",")
		}
		b.WriteString(`{"Id":"8e9d8a5e-0000-4000-8000-00000000000` + string(rune('1'+i)) + `","Path":"` + p + `"}`)
	}
	return b.String() + "]}"
}

// busyboxLayers imports a busybox base layer (a tarball of testlayer.Busybox) and an app
// layer that deletes bin/vi, makes home opaque and adds etc/motd; it returns their paths.
func busyboxLayers(t *testing.T, base string) (string, string) {
	t.Helper()
	bb, err := testlayer.Busybox()
	if err != nil {
		t.Fatal(err)
	}
	src := filepath.Join(base, "busybox-src")
	os.Mkdir(src, 0o755)
	if out, err := exec.Command("tar", "-C", bb, "-cf", filepath.Join(src, LayerTar), ".").CombinedOutput(); err != nil {
		t.Fatalf("tar: %v %s", err, out)
	}
	l1, l2 := filepath.Join(base, "base"), filepath.Join(base, "app")
	if err := ImportLayer(l1, src, ""); err != nil {
		t.Fatal(err)
	}
	app := sourceWith(t, base, LayerTarGzip, gzipped(entries(file("etc/motd", "hello from app"),
		file("bin/.wh.vi", ""), dir("home/"), file("home/.wh..wh..opq", ""), file("home/new", "n")))(t))
	if err := ImportLayer(l2, app, layerData(l1)); err != nil {
		t.Fatal(err)
	}
	return l1, l2
}

func TestWritableLayerOverImportedBusybox(t *testing.T) {
	testutil.RequireRoot(t)
	base := scratch(t)
	l1, l2 := busyboxLayers(t, base)
	w := filepath.Join(base, "rw")
	if err := InitializeWritableLayer(w, layerData(l2, l1), ""); err != nil {
		t.Fatal(err)
	}
	if err := AttachLayerStorageFilter(w, ""); err != nil { // the chain recorded at initialisation
		t.Fatal(err)
	}
	t.Cleanup(func() { Detach(w) })
	checkUnion(t, w)
	wantCode(t, AttachLayerStorageFilter(w, ""), errBusy, "already attached")
	wantCode(t, DestroyLayer(l1), errBusy, "union mounted on "+w)
	wantCode(t, DestroyLayer(w), errBusy, "attached")
	// An unprivileged user reads through the union although the layers are 0700 root.
	out, err := exec.Command("/usr/sbin/chroot", "--userspec=1000:1000", w, "/bin/busybox", "cat", "/etc/motd").CombinedOutput()
	if err != nil || string(out) != "hello from app" {
		t.Errorf("busybox in the union: %v %q", err, out)
	}
	os.WriteFile(filepath.Join(w, "root/made-here"), []byte("new"), 0o600)
	os.Remove(filepath.Join(w, "etc/hostname"))
	wantCode(t, ExportLayer(w, base, "", `{"IsWritableLayer":true}`), errBusy, "detach")
	held, _ := os.Open(filepath.Join(w, "etc/motd"))
	wantCode(t, DetachLayerStorageFilter(w), errBusy, "in use")
	held.Close()
	if err := DetachLayerStorageFilter(w); err != nil {
		t.Fatal(err)
	}
	names := tarNames(t, exportTo(t, w, base, "changes", `{"IsWritableLayer":true}`))
	for _, want := range []string{"root/", "root/made-here", "etc/", "etc/.wh.hostname"} {
		if !contains(names, want) {
			t.Errorf("the exported changes %v lack %s", names, want)
		}
	}
	for _, l := range []string{w, l2, l1} {
		if err := DestroyLayer(l); err != nil {
			t.Fatal(err)
		}
	}
	if left, _ := os.ReadDir(base); len(left) != 3 { // the two sources and the export folder
		t.Errorf("left behind: %v", left)
	}
}

// checkUnion checks the merged view of the busybox layers on w.
func checkUnion(t *testing.T, w string) {
	t.Helper()
	if target, err := os.Readlink(filepath.Join(w, "bin/sh")); err != nil || target != "busybox" {
		t.Errorf("bin/sh -> %q, %v", target, err)
	}
	if _, err := os.Lstat(filepath.Join(w, "bin/vi")); !os.IsNotExist(err) {
		t.Errorf("bin/vi was whited out but shows: %v", err)
	}
	if _, err := os.Stat(filepath.Join(w, "home/app")); !os.IsNotExist(err) {
		t.Errorf("home is opaque but home/app shows: %v", err)
	}
	if b, _ := os.ReadFile(filepath.Join(w, "home/new")); string(b) != "n" {
		t.Errorf("home/new = %q", b)
	}
	if _, err := os.Stat(filepath.Join(w, DataDir)); !os.IsNotExist(err) {
		t.Errorf("the data folder shows through the union")
	}
}

func TestDestroyRefusesWhatIsNotALayer(t *testing.T) {
	testutil.RequireRoot(t)
	base := scratch(t)
	plain := filepath.Join(base, "plain")
	os.MkdirAll(filepath.Join(plain, "precious"), 0o755)
	wantCode(t, DestroyLayer(plain), hresult.HCS_E_INVALID_LAYER, "not a layer")
	os.Symlink(plain, filepath.Join(base, "link"))
	wantCode(t, DestroyLayer(filepath.Join(base, "link")), hresult.HCS_E_INVALID_LAYER, "not a directory")
	wantCode(t, DestroyLayer("/"), hresult.E_INVALIDARG)
	wantCode(t, DestroyLayer(filepath.Join(base, "missing")), hresult.ERROR_NOT_FOUND)
	if _, err := os.Stat(filepath.Join(plain, "precious")); err != nil {
		t.Fatal("a plain directory was touched")
	}
	l := importOK(t, symlink("root", "/"), file("f", "x"))
	if err := DestroyLayer(l); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat("/etc/passwd"); err != nil {
		t.Fatal("destroying a layer followed its link to /")
	}
}

func TestInitializeChecksParents(t *testing.T) {
	testutil.RequireRoot(t)
	base := scratch(t)
	plain := filepath.Join(base, "plain")
	os.Mkdir(plain, 0o755)
	other := filepath.Join(base, "other")
	if err := InitializeWritableLayer(other, layerData(plain), ""); err != nil {
		t.Fatal(err)
	}
	wantCode(t, InitializeWritableLayer(filepath.Join(base, "w"), layerData(other), ""),
		hresult.HCS_E_INVALID_LAYER, "Layers[0].Path", other+" is a writable layer, not a read-only layer or a plain directory")
	wantCode(t, InitializeWritableLayer(filepath.Join(base, "w"), layerData(filepath.Join(base, "missing")), ""),
		hresult.ERROR_NOT_FOUND, "parent layer "+filepath.Join(base, "missing"))
	wantCode(t, InitializeWritableLayer(filepath.Join(base, "w"), layerData("rel"), ""), hresult.E_INVALIDARG)
	wantCode(t, InitializeWritableLayer(filepath.Join(base, "w"), layerData(plain, plain), ""),
		hresult.E_INVALIDARG, "twice")
	full := filepath.Join(base, "full")
	os.MkdirAll(filepath.Join(full, "x"), 0o755)
	wantCode(t, InitializeWritableLayer(full, "", ""), hresult.HCS_E_INVALID_LAYER, "neither empty")
	wantCode(t, InitializeWritableLayer(filepath.Join(base, "w"), "", "{"), hresult.HCS_E_INVALID_JSON)
}

// tarNames lists the entry names of a tarball.
func tarNames(t testing.TB, b []byte) []string {
	t.Helper()
	var names []string
	tr := tar.NewReader(bytes.NewReader(b))
	for {
		h, err := tr.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		names = append(names, h.Name)
	}
	sort.Strings(names)
	return names
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// A plain directory is a parent layer to the layer calls as it is to containers.
func TestWritableLayerOverPlainDirectories(t *testing.T) {
	testutil.RequireRoot(t)
	base := scratch(t)
	top, bottom := filepath.Join(base, "top"), filepath.Join(base, "bottom")
	os.MkdirAll(filepath.Join(top, "etc"), 0o755)
	os.MkdirAll(filepath.Join(bottom, "etc"), 0o755)
	os.WriteFile(filepath.Join(top, "etc", "motd"), []byte("top"), 0o644)
	os.WriteFile(filepath.Join(bottom, "etc", "motd"), []byte("bottom"), 0o644)
	os.WriteFile(filepath.Join(bottom, "etc", "hostname"), []byte("bottom"), 0o644)
	w := filepath.Join(base, "rw")
	if err := InitializeWritableLayer(w, layerData(top, bottom), ""); err != nil {
		t.Fatal(err)
	}
	if err := AttachLayerStorageFilter(w, ""); err != nil { // the chain recorded at initialisation
		t.Fatal(err)
	}
	t.Cleanup(func() { Detach(w) })
	for name, want := range map[string]string{"etc/motd": "top", "etc/hostname": "bottom"} {
		if b, err := os.ReadFile(filepath.Join(w, name)); err != nil || string(b) != want {
			t.Errorf("%s in the union: %q (%v), want %q", name, b, err, want)
		}
	}
}

// A writable layer with no parents is refused at attach instead of becoming an empty root.
func TestAttachRefusesAWritableLayerWithoutParents(t *testing.T) {
	testutil.RequireRoot(t)
	base := scratch(t)
	w := filepath.Join(base, "rw")
	if err := InitializeWritableLayer(w, "", ""); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { Detach(w) }) // should an attach succeed after all
	for _, ld := range []string{"", `{"SchemaVersion":{"Major":2,"Minor":1},"Layers":[]}`} {
		wantCode(t, AttachLayerStorageFilter(w, ld), hresult.HCS_E_INVALID_LAYER,
			"writable layer "+w+" has no parent layers")
		if attached, _ := IsAttached(w); attached {
			t.Fatalf("LayerData %q: the layer was attached", ld)
		}
	}
}
