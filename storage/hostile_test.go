package storage

import (
	"archive/tar"
	"bytes"
	"compress/gzip"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/klauspost/compress/zstd"

	"github.com/linuxhcs/hcs/hresult"
	"github.com/linuxhcs/hcs/internal/testutil"
)

// hostileCase is a layer that must be refused.
type hostileCase struct {
	name string
	tar  func(t testing.TB) []byte // the layer
	file string                    // transport name; layer.tar when empty
	opts ImportOptions
	code hresult.HRESULT
	msg  []string // what the message must name
}

var escape = "../../../../../../../.." + hostEscape()

// hostileCases are the hostile layers, each with the error it must give.
var hostileCases = []hostileCase{
	{name: "DotDot", tar: entries(file("../victim/dotdot", "x")), msg: []string{`"../victim/dotdot"`, ".."}},
	{name: "SlashDotDot", tar: entries(file("/../victim/slash-dotdot", "x")), msg: []string{"slash-dotdot"}},
	{name: "BareDotDot", tar: entries(dir("..")), msg: []string{`".."`}},
	{name: "DeepDotDot", tar: entries(file("a/../../pwned", "x")), msg: []string{"a/../../pwned"}},
	{name: "DotDotToHost", tar: entries(file(escape, "x")), msg: []string{"hcs-pwned"}},
	{name: "FileThroughAbsoluteSymlink", tar: entries(symlink("localetc", "/etc"), file("localetc/unbroken", "x")),
		msg: []string{"localetc/unbroken", "symbolic link"}},
	{name: "FileThroughRelativeSymlink", tar: entries(symlink("loophole", "../victim"), file("loophole/newfile", "x")),
		msg: []string{"loophole/newfile", "symbolic link"}},
	{name: "SymlinkChain", tar: entries(symlink("inner/go_up", ".."), symlink("inner/go_up/escape", "../victim"),
		file("inner/go_up/escape/newfile", "x")), msg: []string{"inner/go_up/escape", "symbolic link"}},
	{name: "SymlinkOverridePath", tar: entries(file("foo/tmp/x", "1"), symlink("foo", "/"), file("foo/tmp/x", "2")),
		msg: []string{"foo/tmp/x", "symbolic link"}},
	{name: "SymlinkLoop", tar: entries(symlink("a", "b"), symlink("b", "a"), file("a/x", "x")), msg: []string{`"a/x"`}},
	{name: "HardlinkOutside", tar: entries(hardlink("h", "../victim/hello")), msg: []string{`"h"`, "hard link target"}},
	{name: "HardlinkAbsolute", tar: entries(hardlink("h", "/etc/passwd")), msg: []string{`"h"`, "not in the layer"}},
	{name: "HardlinkThroughSymlink", tar: entries(symlink("localetc", "/etc"), hardlink("pw", "localetc/passwd")),
		msg: []string{`"pw"`, "symbolic link"}},
	{name: "HardlinkToDirectory", tar: entries(dir("d/"), hardlink("h", "d")), msg: []string{`"h"`, "directory"}},
	{name: "CharDevice", tar: entries(ent{name: "dev/mem", typ: tar.TypeChar, major: 1, minor: 1, mode: 0o600}),
		msg: []string{"dev/mem", "device nodes are not allowed", "1:1"}},
	{name: "BlockDevice", tar: entries(ent{name: "sda", typ: tar.TypeBlock, major: 8, mode: 0o600}),
		msg: []string{`"sda"`, "block device 8:0"}},
	{name: "DeviceOutOfRange", opts: ImportOptions{AllowDevices: true},
		tar: entries(ent{name: "big", typ: tar.TypeChar, major: 5000, minor: 1, mode: 0o600}), msg: []string{`"big"`, "out of range"}},
	{name: "WhiteoutEmpty", tar: entries(file(".wh.", "")), msg: []string{`".wh."`, "invalid whiteout"}},
	{name: "WhiteoutDot", tar: entries(file(".wh..", "")), msg: []string{`".wh.."`, "invalid whiteout"}},
	{name: "WhiteoutDotDot", tar: entries(file("etc/.wh...", "")), msg: []string{"etc/.wh...", "invalid whiteout"}},
	{name: "WhiteoutAsDirectory", tar: entries(file("a/.wh.b/c", "")), msg: []string{"a/.wh.b/c", "whiteout"}},
	{name: "TrustedOverlayXattr", tar: entries(xattr(dir("d/"), "trusted.overlay.redirect", "/etc")),
		msg: []string{`"d/"`, "trusted.overlay.redirect"}},
	{name: "TrustedMarkerXattr", tar: entries(xattr(file("f", "x"), "trusted.hcs.layer", "read-only")),
		msg: []string{`"f"`, "trusted.hcs.layer"}},
	{name: "OpaqueXattrOnFile", tar: entries(xattr(file("f", "x"), opaqueXattr, "y")), msg: []string{`"f"`, opaqueXattr}},
	{name: "OwnerOutOfRange", tar: entries(ent{name: "f", typ: tar.TypeReg, uid: 1<<32 - 1}), msg: []string{`"f"`, "owner"}},
	{name: "HugeSparseFile", tar: hugeHeader, msg: []string{"huge", "import limit"}},
	{name: "EntryCountBomb", tar: manyEntries(3000), opts: ImportOptions{Limits: Limits{MaxEntries: 1000}},
		msg: []string{"more than 1000 entries"}},
	{name: "GzipBomb", tar: gzipped(zeroFile(64 << 20)), file: LayerTarGzip,
		opts: ImportOptions{Limits: Limits{MaxBytes: 8 << 20}}, msg: []string{"zeros", "import limit"}},
	{name: "ZstdBomb", tar: zstded(zeroFile(64 << 20)), file: LayerTarZstd,
		opts: ImportOptions{Limits: Limits{MaxBytes: 8 << 20}}, msg: []string{"zeros", "import limit"}},
	{name: "StreamBomb", tar: gzipped(paddedTar(32 << 20)), file: LayerTarGzip,
		opts: ImportOptions{Limits: Limits{MaxBytes: 1 << 20, MaxEntries: 10}}, msg: []string{"expands to more"}},
	{name: "Truncated", tar: truncated, msg: []string{`"big"`, "ends after"}},
	{name: "BadChecksum", tar: badChecksum, msg: []string{"corrupt archive", `after entry "ok"`}},
	{name: "NegativeSize", tar: negativeSize, msg: []string{"corrupt archive", `after entry "ok"`}},
	{name: "TrailingGarbage", tar: func(t testing.TB) []byte { return append(buildTar(t, file("ok", "x")), "garbage"...) },
		msg: []string{"data follows the end", `"ok"`}},
	{name: "NotGzip", tar: entries(file("ok", "x")), file: LayerTarGzip, msg: []string{"layer.tar.gz", "not a gzip stream"}},
	{name: "UnknownType", tar: entries(ent{name: "odd", typ: 'Z'}), msg: []string{`"odd"`, "unsupported entry type"}},
}

func TestImportRefusesHostileLayers(t *testing.T) {
	testutil.RequireRoot(t)
	for _, c := range hostileCases {
		t.Run(c.name, func(t *testing.T) {
			name := c.file
			if name == "" {
				name = LayerTar
			}
			err := importHostile(t, name, c.tar(t), c.opts)
			code := c.code
			if code == 0 {
				code = hresult.HCS_E_INVALID_LAYER
			}
			wantCode(t, err, code, c.msg...)
		})
	}
}

// importHostile imports data as the transport file name into a fresh layer folder and
// checks that, whatever the outcome, nothing outside the layer changed and no layer or
// staging folder was left when the import failed.
func importHostile(t *testing.T, name string, data []byte, opts ImportOptions) error {
	t.Helper()
	base := scratch(t)
	makeVictim(t, base)
	layers := filepath.Join(base, "layers")
	os.Mkdir(layers, 0o700)
	src := sourceWith(t, base, name, data)
	before := snapshot(t, base, layers)
	err := Import(filepath.Join(layers, "L"), src, "", opts)
	after := snapshot(t, base, layers)
	if err == nil {
		for p := range after {
			if strings.HasPrefix(p, filepath.Join(layers, "L")) {
				delete(after, p)
			}
		}
	}
	if d := before.diff(after); len(d) > 0 {
		t.Errorf("the host changed:\n%s", strings.Join(d, "\n"))
	}
	checkNoEscape(t)
	return err
}

// entries returns a tar builder for the entries.
func entries(es ...ent) func(testing.TB) []byte {
	return func(t testing.TB) []byte { return buildTar(t, es...) }
}

// xattr adds an extended attribute to an entry.
func xattr(e ent, name, value string) ent {
	e.xattrs = map[string]string{name: value}
	return e
}

// hugeHeader is a file entry claiming 1 TiB (a sparse-file bomb) with no data.
func hugeHeader(t testing.TB) []byte {
	var b bytes.Buffer
	tw := tar.NewWriter(&b)
	tw.WriteHeader(&tar.Header{Name: "huge", Typeflag: tar.TypeReg, Size: 1 << 40, Mode: 0o644})
	return b.Bytes()
}

// manyEntries is a layer of n empty files.
func manyEntries(n int) func(testing.TB) []byte {
	return func(t testing.TB) []byte {
		es := make([]ent, n)
		for i := range es {
			es[i] = file(fmt.Sprintf("f%d", i), "")
		}
		return buildTar(t, es...)
	}
}

// zeroFile is a layer with one file "zeros" of n zero bytes.
func zeroFile(n int64) func(testing.TB) []byte {
	return func(t testing.TB) []byte {
		var b bytes.Buffer
		tw := tar.NewWriter(&b)
		tw.WriteHeader(&tar.Header{Name: "zeros", Typeflag: tar.TypeReg, Size: n, Mode: 0o644})
		tw.Write(make([]byte, n))
		tw.Close()
		return b.Bytes()
	}
}

// paddedTar is an empty archive followed by n zero bytes of padding.
func paddedTar(n int) func(testing.TB) []byte {
	return func(t testing.TB) []byte { return append(buildTar(t), make([]byte, n)...) }
}

// gzipped and zstded compress a layer.
func gzipped(f func(testing.TB) []byte) func(testing.TB) []byte {
	return func(t testing.TB) []byte {
		var b bytes.Buffer
		z := gzip.NewWriter(&b)
		z.Write(f(t))
		z.Close()
		return b.Bytes()
	}
}

func zstded(f func(testing.TB) []byte) func(testing.TB) []byte {
	return func(t testing.TB) []byte {
		z, _ := zstd.NewWriter(nil)
		defer z.Close()
		return z.EncodeAll(f(t), nil)
	}
}

// truncated is a layer cut inside its second file's data.
func truncated(t testing.TB) []byte {
	b := buildTar(t, file("ok", "x"), file("big", strings.Repeat("d", 4096)))
	return b[:len(b)-1024-2000] // the end blocks and 2000 bytes of data cut off
}

// badChecksum corrupts the second header without fixing its checksum.
func badChecksum(t testing.TB) []byte {
	b := buildTar(t, file("ok", "x"), file("second", "y"))
	i := bytes.Index(b, []byte("second"))
	b[i] = 'S'
	return b
}

// negativeSize gives the second header a size of -1 (base-256) with a valid checksum.
func negativeSize(t testing.TB) []byte {
	b := buildTar(t, file("ok", "x"), ent{name: "neg", typ: tar.TypeReg, mode: 0o644})
	h := bytes.Index(b, []byte("neg\x00")) // start of the ustar header
	for i := 124; i < 136; i++ {
		b[h+i] = 0xff
	}
	copy(b[h+148:h+156], "        ")
	sum := 0
	for _, c := range b[h : h+512] {
		sum += int(c)
	}
	copy(b[h+148:], fmt.Sprintf("%06o\x00 ", sum))
	return b
}
