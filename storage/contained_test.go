package storage

import (
	"archive/tar"
	"os"
	"path/filepath"
	"testing"

	"golang.org/x/sys/unix"

	"github.com/linuxhcs/hcs/hresult"
	"github.com/linuxhcs/hcs/internal/testutil"
)

// importOK imports entries into a fresh layer, checking the host is unchanged, and returns
// the layer path.
func importOK(t *testing.T, es ...ent) string {
	t.Helper()
	base := scratch(t)
	makeVictim(t, base)
	layers := filepath.Join(base, "layers")
	os.Mkdir(layers, 0o700)
	src := sourceWith(t, base, LayerTar, buildTar(t, es...))
	before := snapshot(t, base, layers)
	layer := filepath.Join(layers, "L")
	if err := ImportLayer(layer, src, ""); err != nil {
		t.Fatal(err)
	}
	after := snapshot(t, base, layers)
	for p := range after {
		if within(p, layer) {
			delete(after, p)
		}
	}
	delete(before, layers) // it gained a layer
	delete(after, layers)
	if d := before.diff(after); len(d) > 0 {
		t.Errorf("the host changed: %v", d)
	}
	checkNoEscape(t)
	return layer
}

func TestImportKeepsAbsoluteNamesInside(t *testing.T) {
	testutil.RequireRoot(t)
	layer := importOK(t, file("/etc/passwd", "layer"), file("//"+hostEscape()[1:], "x"))
	if b, _ := os.ReadFile(filepath.Join(layer, "etc/passwd")); string(b) != "layer" {
		t.Errorf("etc/passwd = %q", b)
	}
}

func TestImportKeepsSymlinksAsData(t *testing.T) {
	testutil.RequireRoot(t)
	// A hard link to a symbolic link links the link; its mode is never applied through it.
	layer := importOK(t, symlink("ep", "/etc/shadow"), symlink("up", "../../victim/secret"),
		ent{name: "sketchy", link: "ep", typ: tar.TypeLink, mode: 0o777}, symlink("var/run", "/run"))
	if got := readLink(t, filepath.Join(layer, "sketchy")); got != "/etc/shadow" {
		t.Errorf("sketchy -> %q", got)
	}
	if st := statOf(t, "/etc/shadow"); st.Mode&0o777 == 0o777 {
		t.Errorf("/etc/shadow was chmodded")
	}
}

func TestImportLastEntryWins(t *testing.T) {
	testutil.RequireRoot(t)
	layer := importOK(t, file("a", "file"), dir("a/"), file("a/x", "in dir"),
		dir("b/"), file("b/y", "y"), symlink("b", "/"), file("c", "1"), file("c", "2"))
	if st := statOf(t, filepath.Join(layer, "a")); st.Mode&unix.S_IFMT != unix.S_IFDIR {
		t.Errorf("a is not a directory")
	}
	if got := readLink(t, filepath.Join(layer, "b")); got != "/" {
		t.Errorf("b -> %q", got)
	}
	if b, _ := os.ReadFile(filepath.Join(layer, "c")); string(b) != "2" {
		t.Errorf("c = %q", b)
	}
}

func TestImportKeepsSetuidButClosesTheLayer(t *testing.T) {
	testutil.RequireRoot(t)
	layer := importOK(t, ent{name: "bin/su", body: "#!", typ: tar.TypeReg, mode: 0o4755},
		xattr(ent{name: "bin/ping", body: "x", typ: tar.TypeReg, mode: 0o755}, "security.capability",
			"\x01\x00\x00\x02\x00\x20\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00"),
		xattr(file("f", "x"), "security.selinux", "system_u:object_r:etc_t:s0"))
	if st := statOf(t, filepath.Join(layer, "bin/su")); st.Mode&0o7777 != 0o4755 {
		t.Errorf("setuid mode = %o", st.Mode&0o7777)
	}
	if st := statOf(t, layer); st.Mode&0o777 != 0o700 {
		t.Errorf("layer mode = %o: host users could reach its setuid files", st.Mode&0o777)
	}
	if v, _ := getXattrPath(filepath.Join(layer, "bin/ping"), "security.capability"); v == "" {
		t.Errorf("file capability dropped")
	}
	if _, err := getXattrPath(filepath.Join(layer, "f"), "security.selinux"); err == nil {
		// tmpfs without an LSM may keep a label of its own; only a copied value is wrong.
		if v, _ := getXattrPath(filepath.Join(layer, "f"), "security.selinux"); v == "system_u:object_r:etc_t:s0" {
			t.Errorf("security.selinux was copied from the layer")
		}
	}
}

func TestImportIgnoresGlobalHeadersAndAufsMetadata(t *testing.T) {
	testutil.RequireRoot(t)
	layer := importOK(t, ent{typ: tar.TypeXGlobalHeader}, dir(".wh..wh.plnk/"),
		file(".wh..wh.plnk/123", "x"), file("ok", "x"))
	names, _ := os.ReadDir(layer)
	if len(names) != 1 || names[0].Name() != "ok" {
		t.Errorf("layer holds %v", names)
	}
}

func TestImportSourceFolderRules(t *testing.T) {
	testutil.RequireRoot(t)
	base := scratch(t)
	tarball := buildTar(t, file("f", "x"))
	two := sourceWith(t, base, LayerTar, tarball)
	os.WriteFile(filepath.Join(two, "manifest.json"), []byte("{}"), 0o644)
	wantCode(t, ImportLayer(filepath.Join(base, "L1"), two, ""), hresult.E_INVALIDARG, "layer.tar and other entries")

	linked := filepath.Join(base, "linked")
	os.Mkdir(linked, 0o755)
	os.Symlink("/etc/passwd", filepath.Join(linked, LayerTar))
	wantCode(t, ImportLayer(filepath.Join(base, "L2"), linked, ""), hresult.E_INVALIDARG, "not a regular file")

	existing := filepath.Join(base, "existing")
	os.MkdirAll(filepath.Join(existing, "keep"), 0o755)
	before := snapshot(t, existing)
	wantCode(t, ImportLayer(existing, sourceWith(t, filepath.Join(base, "x"), LayerTar, tarball), ""), hresult.ERROR_ALREADY_EXISTS)
	if d := before.diff(snapshot(t, existing)); len(d) > 0 {
		t.Errorf("existing layer changed: %v", d)
	}
	empty := filepath.Join(base, "empty")
	os.Mkdir(empty, 0o755)
	if err := ImportLayer(empty, sourceWith(t, filepath.Join(base, "e"), LayerTar, tarball), ""); err != nil {
		t.Errorf("importing over an empty directory: %v", err)
	}
	wantCode(t, ImportLayer("relative", two, ""), hresult.E_INVALIDARG, "absolute")
	wantCode(t, ImportLayer(filepath.Join(base, "L3"), two, "{"), hresult.HCS_E_INVALID_JSON)
}

func TestImportFromATreeCopiesLinksAndRefusesDevices(t *testing.T) {
	testutil.RequireRoot(t)
	base := scratch(t)
	tree := filepath.Join(base, "tree")
	os.MkdirAll(filepath.Join(tree, "etc"), 0o755)
	os.WriteFile(filepath.Join(tree, "etc/.wh.passwd"), nil, 0o644)
	os.Symlink("/etc/shadow", filepath.Join(tree, "shadow"))
	os.Link("/dev/null", filepath.Join(base, "unused")) // may fail across filesystems; harmless
	layer := filepath.Join(base, "L")
	if err := ImportLayer(layer, tree, ""); err != nil {
		t.Fatal(err)
	}
	if got := readLink(t, filepath.Join(layer, "shadow")); got != "/etc/shadow" {
		t.Errorf("shadow -> %q", got)
	}
	if st := statOf(t, filepath.Join(layer, "etc/passwd")); st.Mode&unix.S_IFMT != unix.S_IFCHR {
		t.Errorf("whiteout not converted")
	}
	unix.Mknod(filepath.Join(tree, "mem"), unix.S_IFCHR|0o600, int(unix.Mkdev(1, 1)))
	wantCode(t, ImportLayer(filepath.Join(base, "L2"), tree, ""), hresult.HCS_E_INVALID_LAYER, `"mem"`, "device")
	if _, err := os.Stat(filepath.Join(base, "L2")); !os.IsNotExist(err) {
		t.Errorf("a failed import left a layer")
	}
}

func TestImportDiskFull(t *testing.T) {
	testutil.RequireRoot(t)
	base := scratch(t)
	small := filepath.Join(base, "small")
	os.Mkdir(small, 0o700)
	if err := unix.Mount("tmpfs", small, "tmpfs", 0, "size=1m"); err != nil {
		t.Fatal(err)
	}
	defer unix.Unmount(small, unix.MNT_DETACH)
	src := sourceWith(t, base, LayerTar, buildTar(t, file("big", string(make([]byte, 0)))))
	os.WriteFile(filepath.Join(src, LayerTar), buildTar(t, file("a", "x"), ent{name: "big", typ: tar.TypeReg,
		mode: 0o644, body: string(randomBytes(2 << 20))}), 0o644)
	err := ImportLayer(filepath.Join(small, "L"), src, "")
	wantCode(t, err, errDiskFull, `"big"`)
	if names, _ := os.ReadDir(small); len(names) != 0 {
		t.Errorf("the full filesystem still holds %v", names)
	}
}

// randomBytes returns n bytes that do not compress (and are not zeros, which are skipped).
func randomBytes(n int) []byte {
	b := make([]byte, n)
	x := uint32(2463534242)
	for i := range b {
		x ^= x << 13
		x ^= x >> 17
		x ^= x << 5
		b[i] = byte(x)
	}
	return b
}

func TestImportCompressedForms(t *testing.T) {
	testutil.RequireRoot(t)
	base := scratch(t)
	layer := entries(dir("etc/"), file("etc/hostname", "zipped"))
	for name, data := range map[string][]byte{LayerTarGzip: gzipped(layer)(t), LayerTarZstd: zstded(layer)(t)} {
		dst := filepath.Join(base, "L-"+name)
		if err := ImportLayer(dst, sourceWith(t, base, name, data), ""); err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if b, _ := os.ReadFile(filepath.Join(dst, "etc/hostname")); string(b) != "zipped" {
			t.Errorf("%s: etc/hostname = %q", name, b)
		}
	}
}
