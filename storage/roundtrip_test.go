package storage

import (
	"archive/tar"
	"bytes"
	"crypto/sha256"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"testing"

	"golang.org/x/sys/unix"

	"github.com/linuxhcs/hcs/internal/testutil"
)

// richLayer has every kind of entry a layer can hold.
func richLayer(t testing.TB) []byte {
	owned := func(e ent, uid, gid int) ent { e.uid, e.gid = uid, gid; return e }
	return buildTar(t,
		dir("etc/"), owned(file("etc/app.conf", "conf"), 1000, 1001),
		ent{name: "bin/tool", body: "\x7fELF", typ: tar.TypeReg, mode: 0o4755},
		ent{name: "bin/private", body: "p", typ: tar.TypeReg, mode: 0o400, uid: 7},
		hardlink("bin/tool2", "bin/tool"), hardlink("bin/tool3", "bin/tool"),
		symlink("lib", "usr/lib"), symlink("abs", "/etc/app.conf"), owned(symlink("dangling", "nowhere"), 5, 5),
		ent{name: "dev/null", typ: tar.TypeChar, major: 1, minor: 3, mode: 0o666},
		ent{name: "dev/sda", typ: tar.TypeBlock, major: 8, minor: 0, mode: 0o660, gid: 6},
		ent{name: "run/fifo", typ: tar.TypeFifo, mode: 0o620},
		xattr(file("data/tagged", "t"), "user.origin", "round\x00trip"),
		xattr(dir("data/acl/"), "user.kind", "dir"),
		file("etc/.wh.passwd", ""), ent{name: "var/.wh.cache", typ: tar.TypeReg, mode: 0o600, uid: 3},
		dir("opt/"), file("opt/.wh..wh..opq", ""), file("opt/keep", "k"),
		ent{name: "tmp/", typ: tar.TypeDir, mode: 0o1777},
		file("sparse", string(append(make([]byte, 1<<20), 'x'))),
		file(".wh..wh..opq", ""))
}

func TestExportImportRoundTrip(t *testing.T) {
	testutil.RequireRoot(t)
	base := scratch(t)
	devices := ImportOptions{AllowDevices: true}
	l1, l2 := filepath.Join(base, "l1"), filepath.Join(base, "l2")
	if err := Import(l1, sourceWith(t, base, LayerTar, richLayer(t)), "", devices); err != nil {
		t.Fatal(err)
	}
	tar1 := exportTo(t, l1, base, "e1", "")
	if err := Import(l2, sourceWith(t, base, "layer.tar", tar1), "", devices); err != nil {
		t.Fatal(err)
	}
	m1, m2 := treeMeta(t, l1), treeMeta(t, l2)
	if len(m1) < 20 {
		t.Fatalf("the layer holds only %d entries", len(m1))
	}
	for p, v := range m1 {
		if m2[p] != v {
			t.Errorf("%s:\n  before %s\n  after  %s", p, v, m2[p])
		}
	}
	if len(m1) != len(m2) {
		t.Errorf("%d entries before, %d after", len(m1), len(m2))
	}
	if out, err := exec.Command("tar", "-tvf", filepath.Join(base, "e1", LayerTar)).CombinedOutput(); err != nil {
		t.Errorf("GNU tar cannot read the export: %v\n%s", err, out)
	}
	if tar2 := exportTo(t, l2, base, "e2", ""); !bytes.Equal(tar1, tar2) {
		t.Errorf("exports differ: %d and %d bytes", len(tar1), len(tar2))
	}
}

// exportTo exports the layer into a new folder name below base and returns the tarball.
func exportTo(t testing.TB, layer, base, name, options string) []byte {
	t.Helper()
	out := filepath.Join(base, name)
	os.Mkdir(out, 0o700)
	if err := ExportLayer(layer, out, "", options); err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile(filepath.Join(out, LayerTar))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// treeMeta describes every entry below root: type, mode, owner, modification time, device
// number, data hash, link target, extended attributes, and the first path of its inode.
func treeMeta(t testing.TB, root string) map[string]string {
	t.Helper()
	meta, first := map[string]string{}, map[uint64]string{}
	err := filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil || p == root {
			return err
		}
		rel, _ := filepath.Rel(root, p)
		var st unix.Stat_t
		unix.Lstat(p, &st)
		sum := ""
		switch st.Mode & unix.S_IFMT {
		case unix.S_IFREG:
			b, _ := os.ReadFile(p)
			sum = fmt.Sprintf("%x", sha256.Sum256(b))
		case unix.S_IFLNK:
			sum, _ = os.Readlink(p)
		}
		if _, ok := first[st.Ino]; !ok {
			first[st.Ino] = rel
		}
		pfd, _ := unix.Open(filepath.Dir(p), unix.O_DIRECTORY|unix.O_RDONLY|unix.O_CLOEXEC, 0)
		attrs, _ := listXattrsAt(pfd, filepath.Base(p))
		unix.Close(pfd)
		keys := make([]string, 0, len(attrs))
		for k, v := range attrs {
			keys = append(keys, k+"="+v)
		}
		sort.Strings(keys)
		meta[rel] = fmt.Sprintf("%o %d:%d %d.%09d rdev=%d %s %v inode-of=%s", st.Mode, st.Uid, st.Gid,
			st.Mtim.Sec, st.Mtim.Nsec, st.Rdev, sum, keys, first[st.Ino])
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return meta
}
