package storage

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/linuxhcs/hcs/hresult"
	"github.com/linuxhcs/hcs/internal/testutil"
)

func writeFile(t *testing.T, path, data string) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, []byte(data), 0o644); err != nil {
		t.Fatal(err)
	}
}

func TestAttachShowsTheUnionOnTheLayerPath(t *testing.T) {
	testutil.RequireRoot(t)
	dir := t.TempDir()
	base, app, w := filepath.Join(dir, "base"), filepath.Join(dir, "app"), filepath.Join(dir, "rw")
	writeFile(t, filepath.Join(base, "etc/os"), "base")
	writeFile(t, filepath.Join(base, "etc/shadowed"), "base")
	writeFile(t, filepath.Join(app, "etc/shadowed"), "app")
	if err := PrepareWritable(w); err != nil {
		t.Fatal(err)
	}
	if err := Attach(w, []string{app, base}); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { Detach(w) })
	if ok, err := IsAttached(w); !ok || err != nil {
		t.Fatalf("IsAttached = %v, %v", ok, err)
	}
	for name, want := range map[string]string{"etc/os": "base", "etc/shadowed": "app"} {
		if b, _ := os.ReadFile(filepath.Join(w, name)); string(b) != want {
			t.Errorf("%s = %q, want %q (topmost layer first)", name, b, want)
		}
	}
	writeFile(t, filepath.Join(w, "new"), "written")
	if _, err := os.Stat(filepath.Join(w, DataDir)); !os.IsNotExist(err) {
		t.Errorf("the layer's data folder shows through the union: %v", err)
	}
	if err := Detach(w); err != nil {
		t.Fatal(err)
	}
	if b, _ := os.ReadFile(filepath.Join(upperDir(w), "new")); string(b) != "written" {
		t.Fatalf("write did not land in the upper dir: %q", b)
	}
	if err := Detach(w); err != nil {
		t.Fatalf("detaching a detached layer: %v", err)
	}
}

func TestAttachWithOddParentPaths(t *testing.T) {
	testutil.RequireRoot(t)
	dir := t.TempDir()
	odd := filepath.Join(dir, "odd,name:with colon")
	writeFile(t, filepath.Join(odd, "f"), "odd")
	var many []string
	for i := 0; i < 40; i++ {
		p := filepath.Join(dir, strings.Repeat("long-layer-directory-name-", 4)+string(rune('a'+i%26))+string(rune('a'+i/26)))
		os.MkdirAll(p, 0o755)
		many = append(many, p)
	}
	w := filepath.Join(dir, "rw")
	PrepareWritable(w)
	if err := Attach(w, append([]string{odd}, many...)); err != nil {
		t.Fatal(err)
	}
	defer Detach(w)
	if b, _ := os.ReadFile(filepath.Join(w, "f")); string(b) != "odd" {
		t.Fatalf("f = %q", b)
	}
}

func TestAttachRefusesWhatIsNotAWritableLayer(t *testing.T) {
	err := Attach(t.TempDir(), nil)
	if !hresult.Is(err, hresult.HCS_E_INVALID_LAYER) {
		t.Fatalf("err = %v", err)
	}
	w := t.TempDir()
	PrepareWritable(w)
	t.Cleanup(func() { Detach(w) }) // should an attach succeed after all
	if err := Attach(w, []string{"relative/path"}); !hresult.Is(err, hresult.E_INVALIDARG) {
		t.Fatalf("relative parent: %v", err)
	}
	if err := Attach(w, nil); !hresult.Is(err, hresult.HCS_E_INVALID_LAYER) || !strings.Contains(err.Error(), "no parent layers") {
		t.Fatalf("no parents: %v", err)
	}
}

func TestAttachNamesTheParentLayerAtFault(t *testing.T) {
	w := t.TempDir()
	if err := PrepareWritable(w); err != nil {
		t.Fatal(err)
	}
	good := t.TempDir()
	file := filepath.Join(t.TempDir(), "file")
	writeFile(t, file, "not a layer")
	err := Attach(w, []string{good, file})
	wantCode(t, err, hresult.HCS_E_INVALID_LAYER, "parent layer "+file+": not a directory")
	missing := filepath.Join(good, "missing")
	err = Attach(w, []string{missing, good})
	wantCode(t, err, hresult.ERROR_NOT_FOUND, "parent layer "+missing+": no such file or directory")
	if n := strings.Count(err.Error(), missing); n != 1 {
		t.Errorf("%q names the layer %d times", err, n)
	}
	if ok, _ := IsAttached(w); ok {
		Detach(w)
		t.Fatal("a union was attached over a parent that is not a layer")
	}
}
