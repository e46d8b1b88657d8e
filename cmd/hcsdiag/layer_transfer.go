package main

import (
	"bytes"
	"io"
	"os"
	"path/filepath"
)

var layerImportVerb = &verb{
	name:     "layer import",
	summary:  "import a layer from its transport form",
	synopsis: []string{"hcsdiag layer import [--parent DIR]... [--layer-data FILE] SOURCE LAYER"},
	description: `Makes the read-only layer LAYER (missing, or an empty directory) from SOURCE
(HcsImportLayer). SOURCE is a folder holding exactly one layer.tar, layer.tar.gz or
layer.tar.zst (an OCI or Docker layer tarball), or an extracted layer tree. SOURCE may
also be the tarball itself: hcsdiag then hard-links it into a private folder next to
it, named by its compression, and imports that.

The import runs in the service, which checks every entry (no paths out of the layer, no
devices, no trusted.* attributes; docs/layers.md). Parents are checked but not needed:
every layer is stored on its own. Missing directories above LAYER are created, closed
to other users.

When stderr is a terminal, a progress line shows the files and bytes written so far,
the rate, the elapsed time and the source's size; hcsdiag reads them from the folder
the service is filling. Where it cannot see that folder (not running as root), the line
shows the elapsed time and the source's size only.`,
	opts: layerDataOpts,
	examples: `$ hcsdiag layer import ./busybox-layer /var/lib/layers/busybox
$ hcsdiag layer import image/blobs/sha256/3c5f.tar.gz /var/lib/layers/app`,
	minArgs: 2, maxArgs: 2, stopAfter: -1,
	run: runLayerImport,
}

func runLayerImport(e *env, p *parsed) error {
	return storageCall(e, p, func(args []string, ld string) error {
		src, layer := args[0], args[1]
		if err := makeParent(layer); err != nil {
			return err
		}
		folder, done, err := importFolder(src)
		if err != nil {
			return err
		}
		defer done()
		name := sourceName(folder)
		pr := startProgress(e.stderr, "importing "+name, func() int64 { return sourceSize(folder, name) }, stagingWatch(layer))
		err = e.svc.c.ImportLayer(e.ctx, layer, folder, ld)
		pr.stop(err == nil)
		return err
	})
}

var layerExportVerb = &verb{
	name:     "layer export",
	summary:  "write a layer's transport form",
	synopsis: []string{"hcsdiag layer export [--parent DIR]... [--layer-data FILE] [--writable] LAYER FOLDER"},
	description: `Writes LAYER as FOLDER/layer.tar (HcsExportLayer), a deterministic PAX archive in OCI
layer form: exporting the same layer twice gives the same bytes. FOLDER must exist; an
existing layer.tar is never replaced. With --writable, LAYER is a detached writable
layer and the archive holds its changes (deletions as .wh. whiteouts).

When stderr is a terminal, a progress line shows the bytes written so far, the rate, the
elapsed time and the layer's size.`,
	opts: append([]option{{long: "writable", help: "LAYER is a writable layer: export its changes (ExportLayerOptions.IsWritableLayer)"}},
		layerDataOpts...),
	examples: `$ mkdir out && hcsdiag layer export /var/lib/layers/busybox out && ls out
layer.tar
$ hcsdiag layer export --writable /tmp/rw changes/`,
	minArgs: 2, maxArgs: 2, stopAfter: -1,
	run: runLayerExport,
}

func runLayerExport(e *env, p *parsed) error {
	return storageCall(e, p, func(args []string, ld string) error {
		layer, folder := args[0], args[1]
		pr := startProgress(e.stderr, "exporting "+filepath.Base(layer), func() int64 { return treeSize(layer) }, exportWatch(folder))
		err := e.svc.c.ExportLayer(e.ctx, layer, folder, ld, exportOptions(p.has("writable")))
		pr.stop(err == nil)
		return err
	})
}

// importFolder returns the folder to import from. A tarball given as SOURCE is hard-linked
// into a new hidden folder next to it under the name the service expects; done removes
// that folder.
func importFolder(src string) (string, func(), error) {
	st, err := os.Stat(src)
	if err != nil {
		return "", nil, annotate(err, "layer source")
	}
	if st.IsDir() {
		return src, func() {}, nil
	}
	if !st.Mode().IsRegular() {
		return "", nil, invalidArg("layer source %s: neither a folder nor a tarball", src)
	}
	name, err := tarballName(src)
	if err != nil {
		return "", nil, err
	}
	dir, err := os.MkdirTemp(filepath.Dir(src), ".hcsdiag-import-")
	if err != nil {
		return "", nil, annotate(err, "layer source")
	}
	done := func() { os.RemoveAll(dir) }
	if err := os.Link(src, filepath.Join(dir, name)); err != nil {
		done()
		return "", nil, annotate(err, "linking "+src+" into a folder to import from (put it in a folder of its own and import the folder)")
	}
	return dir, done, nil
}

// tarballName picks layer.tar, layer.tar.gz or layer.tar.zst by the file's first bytes.
func tarballName(path string) (string, error) {
	f, err := os.Open(path)
	if err != nil {
		return "", annotate(err, "layer source")
	}
	defer f.Close()
	head := make([]byte, 4)
	n, _ := io.ReadFull(f, head)
	head = head[:n]
	switch {
	case bytes.HasPrefix(head, []byte{0x1f, 0x8b}):
		return "layer.tar.gz", nil
	case bytes.HasPrefix(head, []byte{0x28, 0xb5, 0x2f, 0xfd}):
		return "layer.tar.zst", nil
	case n == 0:
		return "", invalidArg("layer source %s: an empty file", path)
	}
	return "layer.tar", nil
}

// sourceName names what is imported: the tarball in folder, or the folder (a tree).
func sourceName(folder string) string {
	for _, name := range []string{"layer.tar", "layer.tar.gz", "layer.tar.zst"} {
		if st, err := os.Stat(filepath.Join(folder, name)); err == nil && st.Mode().IsRegular() {
			return name
		}
	}
	return filepath.Base(folder)
}

// sourceSize is the size of the tarball name in folder, or of the tree.
func sourceSize(folder, name string) int64 {
	if st, err := os.Stat(filepath.Join(folder, name)); err == nil && st.Mode().IsRegular() {
		return st.Size()
	}
	return treeSize(folder)
}

// treeSize adds up the sizes of the regular files under dir (0 when it cannot be read).
func treeSize(dir string) int64 {
	_, size := walkSize(dir)
	return size
}

// walkSize counts the entries under dir and adds up the sizes of its regular files,
// skipping whatever vanishes or cannot be read.
func walkSize(dir string) (files, size int64) {
	filepath.WalkDir(dir, func(path string, d os.DirEntry, err error) error {
		if err != nil || path == dir {
			return nil
		}
		files++
		if d.Type().IsRegular() {
			if info, err := d.Info(); err == nil {
				size += info.Size()
			}
		}
		return nil
	})
	return files, size
}

// describeSize is "12.3 MiB" or "unknown size".
func describeSize(n int64) string {
	if n <= 0 {
		return "unknown size"
	}
	return formatBytes(uint64(n))
}
