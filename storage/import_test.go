package storage

import (
	"os"
	"path/filepath"
	"testing"

	"golang.org/x/sys/unix"

	"github.com/linuxhcs/hcs/internal/testutil"
)

func TestImportConvertsWhiteouts(t *testing.T) {
	testutil.RequireRoot(t)
	base := scratch(t)
	src := sourceWith(t, base, LayerTar, buildTar(t,
		dir("etc/"), file("etc/os", "app"), file("etc/.wh.passwd", ""),
		dir("var/"), file("var/.wh..wh..opq", ""), file("var/new", "n"),
		symlink("bin", "usr/bin"), hardlink("etc/os2", "etc/os")))
	layer := filepath.Join(base, "layer")
	if err := ImportLayer(layer, src, ""); err != nil {
		t.Fatal(err)
	}
	var st unix.Stat_t
	if err := unix.Lstat(filepath.Join(layer, "etc/passwd"), &st); err != nil || st.Mode&unix.S_IFMT != unix.S_IFCHR || st.Rdev != 0 {
		t.Fatalf("whiteout: %v mode %o rdev %d", err, st.Mode, st.Rdev)
	}
	if v, _ := getXattrPath(filepath.Join(layer, "var"), opaqueXattr); v != "y" {
		t.Errorf("var not opaque: %q", v)
	}
	if got := readLink(t, filepath.Join(layer, "bin")); got != "usr/bin" {
		t.Errorf("bin -> %q", got)
	}
	if kind, _ := LayerKind(layer); kind != KindReadOnly {
		t.Errorf("kind = %q", kind)
	}
	var a, b unix.Stat_t
	unix.Lstat(filepath.Join(layer, "etc/os"), &a)
	unix.Lstat(filepath.Join(layer, "etc/os2"), &b)
	if a.Ino != b.Ino {
		t.Errorf("hard link not kept")
	}
	if names, _ := os.ReadDir(base); len(names) != 2 {
		t.Errorf("staging left behind: %v", names)
	}
}

// getXattrPath reads one extended attribute of path without following it.
func getXattrPath(path, name string) (string, error) {
	buf := make([]byte, 1024)
	n, err := unix.Lgetxattr(path, name, buf)
	if err != nil {
		return "", err
	}
	return string(buf[:n]), nil
}
