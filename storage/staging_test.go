package storage

import (
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"golang.org/x/sys/unix"

	"github.com/linuxhcs/hcs/internal/testutil"
)

// crashLeftover makes, in parent, a staging directory for base with some content, as an
// import killed midway leaves it, and returns its path.
func crashLeftover(t *testing.T, parent, base string) string {
	t.Helper()
	dir := filepath.Join(parent, hiddenName(base, stagingWhat))
	if err := os.MkdirAll(filepath.Join(dir, "usr/bin"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "usr/bin/half"), []byte("half written"), 0o400); err != nil {
		t.Fatal(err)
	}
	os.Chmod(filepath.Join(dir, "usr"), 0o500) // removal must not depend on the modes left
	return dir
}

// holdStaging makes a staging directory for base in parent locked as a running import in
// another process holds it, until the test ends.
func holdStaging(t *testing.T, parent, base string) string {
	t.Helper()
	dir := filepath.Join(parent, hiddenName(base, stagingWhat))
	if err := os.Mkdir(dir, 0o700); err != nil {
		t.Fatal(err)
	}
	f, err := os.Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { f.Close() })
	if err := unix.Flock(int(f.Fd()), unix.LOCK_EX|unix.LOCK_NB); err != nil {
		t.Fatal(err)
	}
	return dir
}

// bystanders makes entries that look like staging directories but are not those of base,
// and returns their paths.
func bystanders(t *testing.T, parent, base string) []string {
	t.Helper()
	var paths []string
	for _, name := range []string{
		"." + base + ".hcs-staging-0123abc",   // too short a suffix
		"." + base + ".hcs-staging-0123ABCD",  // not what randomSuffix makes
		"." + base + ".hcs-destroy-0123abcd",  // another kind of hidden directory
		"." + base + "x.hcs-staging-0123abcd", // another layer's
		base + "2",
	} {
		p := filepath.Join(parent, name)
		if err := os.Mkdir(p, 0o700); err != nil {
			t.Fatal(err)
		}
		paths = append(paths, p)
	}
	return paths
}

func exists(path string) bool {
	_, err := os.Lstat(path)
	return err == nil
}

// The next import of a layer removes the staging directories a crash left for it, and no
// other entry: not one another import holds, nor one of another layer.
func TestAnImportRemovesTheStagingACrashLeft(t *testing.T) {
	testutil.RequireRoot(t)
	base := scratch(t)
	parent := filepath.Join(base, "layers")
	if err := os.Mkdir(parent, 0o700); err != nil {
		t.Fatal(err)
	}
	left := []string{crashLeftover(t, parent, "layer"), crashLeftover(t, parent, "layer")}
	held := holdStaging(t, parent, "layer")
	others := bystanders(t, parent, "layer")
	src := sourceWith(t, base, LayerTar, buildTar(t, dir("etc/"), file("etc/os", "app")))
	if err := ImportLayer(filepath.Join(parent, "layer"), src, ""); err != nil {
		t.Fatal(err)
	}
	for _, p := range left {
		if exists(p) {
			t.Errorf("the crash's staging directory %s is still there", p)
		}
	}
	for _, p := range append(others, held) {
		if !exists(p) {
			t.Errorf("%s was removed", p)
		}
	}
	if kind, _ := LayerKind(filepath.Join(parent, "layer")); kind != KindReadOnly {
		t.Errorf("the layer's kind = %q", kind)
	}
}

// A service that recorded its staging (RecordStaging) removes, when it starts again after a
// crash (SweepStaging), the staging directories the crash left, and nothing else.
func TestSweepStagingRemovesWhatACrashLeft(t *testing.T) {
	base := scratch(t)
	records := filepath.Join(base, "state", "staging")
	if err := RecordStaging(records); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { RecordStaging("") })
	parent := filepath.Join(base, "layers")
	if err := os.Mkdir(parent, 0o700); err != nil {
		t.Fatal(err)
	}
	// Two imports record themselves and are killed: the records and directories stay.
	var left []string
	for _, layer := range []string{"a", "b"} {
		if _, err := recordStaging(parent, layer); err != nil {
			t.Fatal(err)
		}
		left = append(left, crashLeftover(t, parent, layer))
	}
	// A third is still running in another process.
	if _, err := recordStaging(parent, "c"); err != nil {
		t.Fatal(err)
	}
	held := holdStaging(t, parent, "c")
	others := bystanders(t, parent, "a")
	// A crash of an import not recorded here: not this service's to remove.
	unrecorded := crashLeftover(t, parent, "z")
	// Records that are damaged or name what is no layer's staging are dropped.
	for name, body := range map[string]string{
		"staging-damaged.json":  `{"Parent":`,
		"staging-escape.json":   `{"Parent":"` + parent + `","Base":".."}`,
		"staging-relative.json": `{"Parent":"layers","Base":"a"}`,
	} {
		if err := os.WriteFile(filepath.Join(records, name), []byte(body), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	RecordStaging("") // the crash

	removed, err := SweepStaging(records)
	if err != nil {
		t.Fatal(err)
	}
	sort.Strings(removed)
	sort.Strings(left)
	if len(removed) != len(left) || removed[0] != left[0] || removed[1] != left[1] {
		t.Errorf("removed %q, want %q", removed, left)
	}
	for _, p := range left {
		if exists(p) {
			t.Errorf("%s is still there", p)
		}
	}
	for _, p := range append(others, held, unrecorded) {
		if !exists(p) {
			t.Errorf("%s was removed", p)
		}
	}
	kept, _ := os.ReadDir(records)
	if len(kept) != 1 {
		t.Errorf("records kept: %v, want the running import's only", kept)
	}
}

// A staging whose import ends, well or not, leaves no record.
func TestFinishedStagingLeavesNoRecord(t *testing.T) {
	testutil.RequireRoot(t)
	base := scratch(t)
	records := filepath.Join(base, "staging")
	if err := RecordStaging(records); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { RecordStaging("") })
	good := sourceWith(t, base, LayerTar, buildTar(t, file("f", "x")))
	if err := ImportLayer(filepath.Join(base, "good"), good, ""); err != nil {
		t.Fatal(err)
	}
	bad := sourceWith(t, base, LayerTarGzip, []byte("not gzip"))
	if err := ImportLayer(filepath.Join(base, "bad"), bad, ""); err == nil {
		t.Fatal("a broken tarball was imported")
	}
	if kept, _ := os.ReadDir(records); len(kept) != 0 {
		t.Errorf("records left: %v", kept)
	}
	if exists(filepath.Join(base, "bad")) {
		t.Error("the failed import left its layer")
	}
}

// With the service's state filesystem full, a layer whose staging cannot be recorded is not
// made: ERROR_DISK_FULL naming the layer, and nothing left beside it or in the records.
func TestStagingUnrecordableOnAFullStateFilesystem(t *testing.T) {
	testutil.RequireRoot(t)
	base := scratch(t)
	state := filepath.Join(base, "state")
	if err := os.Mkdir(state, 0o700); err != nil {
		t.Fatal(err)
	}
	if err := unix.Mount("tmpfs", state, "tmpfs", 0, "size=64k"); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { unix.Unmount(state, unix.MNT_DETACH) })
	records := filepath.Join(state, "staging")
	if err := RecordStaging(records); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { RecordStaging("") })
	if err := os.WriteFile(filepath.Join(state, "filler"), make([]byte, 1<<20), 0o600); err == nil {
		t.Fatal("64 KiB of tmpfs took 1 MiB")
	}
	layers := filepath.Join(base, "layers")
	if err := os.Mkdir(layers, 0o700); err != nil {
		t.Fatal(err)
	}
	layer := filepath.Join(layers, "L")
	src := sourceWith(t, base, LayerTar, buildTar(t, file("f", "x")))
	err := ImportLayer(layer, src, "")
	wantCode(t, err, errDiskFull, layer)
	if strings.Contains(err.Error(), state) {
		t.Errorf("the message names the service's state: %v", err)
	}
	if names, _ := os.ReadDir(layers); len(names) != 0 {
		t.Errorf("left beside the layer: %v", names)
	}
	if names, _ := os.ReadDir(records); len(names) != 0 {
		t.Errorf("left in the records: %v", names)
	}
}
