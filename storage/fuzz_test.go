package storage

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/linuxhcs/hcs/hresult"
	"github.com/linuxhcs/hcs/internal/testutil"
)

// FuzzImportTar imports arbitrary bytes as layer.tar: the import never panics, never writes
// outside its layer folder, and either succeeds or fails with HCS_E_INVALID_LAYER or
// E_INVALIDARG, leaving no layer or staging folder behind.
func FuzzImportTar(f *testing.F) {
	testutil.RequireRoot(f)
	f.Add(richLayer(f))
	for _, c := range hostileCases {
		if c.file == "" && c.name != "EntryCountBomb" {
			f.Add(c.tar(f))
		}
	}
	base := scratch(f)
	makeVictim(f, base)
	layers := filepath.Join(base, "layers")
	os.Mkdir(layers, 0o700)
	src := scratch(f) // outside the tree watched
	before := snapshot(f, base, layers)
	opts := ImportOptions{Limits: Limits{MaxEntries: 10000, MaxBytes: 16 << 20}}
	f.Fuzz(func(t *testing.T, data []byte) {
		os.WriteFile(filepath.Join(src, LayerTar), data, 0o600)
		layer := filepath.Join(layers, "L")
		err := Import(layer, src, "", opts)
		if err != nil && !hresult.Is(err, hresult.HCS_E_INVALID_LAYER) && !hresult.Is(err, hresult.E_INVALIDARG) {
			t.Fatalf("unexpected error: %v", err)
		}
		if err == nil {
			if err := DestroyLayer(layer); err != nil {
				t.Fatal(err)
			}
		}
		if d := before.diff(snapshot(t, base, layers)); len(d) > 0 {
			t.Fatalf("the host changed (err %v):\n%s", err, strings.Join(d, "\n"))
		}
		checkNoEscape(t)
	})
}

// FuzzWhiteoutName checks the parsing of entry names and whiteout names: no panic, no
// component that could leave a directory, and whiteouts that name a real entry.
func FuzzWhiteoutName(f *testing.F) {
	for _, s := range []string{".wh.", ".wh..", ".wh...", ".wh.a", ".wh..wh..opq", ".wh..wh.plnk",
		"a/../b", "/abs/./x", "..", "a\x00b", "etc/.wh..", strings.Repeat("a/", 3000)} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, name string) {
		comps, err := splitName(name)
		if err == nil {
			for _, c := range comps {
				if c == "" || c == "." || c == ".." || strings.ContainsAny(c, "/\x00") || len(c) > maxComponentLen {
					t.Fatalf("splitName(%q) gave component %q", name, c)
				}
			}
		}
		kind, target, err := parseWhiteout(name)
		switch {
		case err != nil && !strings.HasPrefix(name, WhiteoutPrefix):
			t.Fatalf("%q: error for a name that is no whiteout: %v", name, err)
		case kind == whiteoutFile && (target == "" || target == "." || target == ".." ||
			strings.ContainsAny(target, "/\x00") || WhiteoutPrefix+target != name):
			t.Fatalf("%q: whiteout of %q", name, target)
		case kind == whiteoutOpaque && name != WhiteoutOpaque:
			t.Fatalf("%q taken as the opaque marker", name)
		}
	})
}

// FuzzVhdFooter parses arbitrary footers: no panic, and an accepted footer has a valid
// checksum and a possible size.
func FuzzVhdFooter(f *testing.F) {
	f.Add(makeVhdFooter(64<<20, time.Now()))
	f.Add(make([]byte, vhdFooterSize))
	f.Fuzz(func(t *testing.T, b []byte) {
		info, ok, err := parseVhdFooter(b)
		if ok && err == nil && (vhdChecksum(b) != uint32(b[64])<<24|uint32(b[65])<<16|uint32(b[66])<<8|uint32(b[67]) || info.size < 0) {
			t.Fatalf("accepted a bad footer: %+v", info)
		}
	})
}
