package storage

import (
	"archive/tar"
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/linuxhcs/hcs/hresult"
)

// scratch returns a fresh directory on tmpfs when there is one (files are created much
// faster there), removed when the test ends.
func scratch(t testing.TB) string {
	t.Helper()
	base := ""
	if st, err := os.Stat("/dev/shm"); err == nil && st.IsDir() {
		base = "/dev/shm"
	}
	dir, err := os.MkdirTemp(base, "hcs-storage-test-")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(dir) })
	return dir
}

// ent is one tar entry for buildTar.
type ent struct {
	name, body, link string
	typ              byte
	mode             int64
	uid, gid         int
	major, minor     int64
	xattrs           map[string]string
}

// file, dir, symlink, hardlink and whiteout build common entries.
func file(name, body string) ent { return ent{name: name, body: body, typ: tar.TypeReg, mode: 0o644} }
func dir(name string) ent        { return ent{name: name, typ: tar.TypeDir, mode: 0o755} }
func symlink(name, to string) ent {
	return ent{name: name, link: to, typ: tar.TypeSymlink, mode: 0o777}
}
func hardlink(name, to string) ent {
	return ent{name: name, link: to, typ: tar.TypeLink, mode: 0o644}
}

// testTime is the modification time buildTar gives every entry.
var testTime = time.Date(2024, 5, 6, 7, 8, 9, 123456789, time.UTC)

// buildTar writes the entries as a PAX tarball.
func buildTar(t testing.TB, entries ...ent) []byte {
	t.Helper()
	var buf bytes.Buffer
	tw := tar.NewWriter(&buf)
	for _, e := range entries {
		h := &tar.Header{Name: e.name, Typeflag: e.typ, Mode: e.mode, Uid: e.uid, Gid: e.gid, Linkname: e.link,
			Size: int64(len(e.body)), Devmajor: e.major, Devminor: e.minor, ModTime: testTime, Format: tar.FormatPAX}
		if e.typ != tar.TypeReg {
			h.Size = 0
		}
		if e.typ == tar.TypeXGlobalHeader {
			h = &tar.Header{Typeflag: e.typ, PAXRecords: map[string]string{"comment": "foo/bar"}}
		}
		for k, v := range e.xattrs {
			if h.PAXRecords == nil {
				h.PAXRecords = map[string]string{}
			}
			h.PAXRecords[paxXattr+k] = v
		}
		if err := tw.WriteHeader(h); err != nil {
			t.Fatalf("%s: %v", e.name, err)
		}
		tw.Write([]byte(e.body))
	}
	if err := tw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// sourceWith makes a source folder holding data under the transport name.
func sourceWith(t testing.TB, base, name string, data []byte) string {
	t.Helper()
	src := filepath.Join(base, "src-"+strings.ReplaceAll(name, ".", "-"))
	if err := os.MkdirAll(src, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(src, name), data, 0o644); err != nil {
		t.Fatal(err)
	}
	return src
}

// wantCode fails unless err carries code and its message contains every piece of want.
func wantCode(t testing.TB, err error, code hresult.HRESULT, want ...string) {
	t.Helper()
	if !hresult.Is(err, code) {
		t.Fatalf("err = %v, want %s", err, code)
	}
	for _, w := range want {
		if !strings.Contains(err.Error(), w) {
			t.Errorf("message %q does not name %q", err.Error(), w)
		}
	}
}

// readLink returns the target of a symbolic link, failing the test on error.
func readLink(t testing.TB, p string) string {
	t.Helper()
	s, err := os.Readlink(p)
	if err != nil {
		t.Fatal(err)
	}
	return s
}
