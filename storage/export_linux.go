package storage

import (
	"archive/tar"
	"bufio"
	"io"
	"os"
	"sort"
	"strings"
	"time"

	"golang.org/x/sys/unix"

	"github.com/linuxhcs/hcs/hresult"
	"github.com/linuxhcs/hcs/schema"
)

// ExportLayer is HcsExportLayer: it writes the layer at layerPath, in transport form, to
// exportFolderPath/layer.tar (the folder must exist; an existing layer.tar is not
// replaced). options is an ExportLayerOptions document: with IsWritableLayer set, layerPath
// is a writable layer (detached) and its changes are exported; otherwise it is a read-only
// layer. Overlay whiteouts become ".wh." entries again, and the tarball round-trips:
// importing it gives the same files and metadata, and exporting that gives the same bytes.
// layerData is checked but not needed.
func ExportLayer(layerPath, exportFolderPath, layerData, options string) error {
	if _, err := parseLayerData(layerData); err != nil {
		return err
	}
	var opts schema.ExportLayerOptions
	if err := schema.Decode(options, &opts); err != nil {
		return err
	}
	if err := checkAbs("layerPath", layerPath); err != nil {
		return err
	}
	if !opts.IsWritableLayer {
		if kind, err := LayerKind(layerPath); err != nil || kind != KindReadOnly {
			return notKind(err, layerPath, "a read-only layer (set IsWritableLayer for a writable one)")
		}
		return exportDir(layerPath, "", exportFolderPath)
	}
	return exportWritable(layerPath, exportFolderPath)
}

// ExportLegacyWritableLayer is HcsExportLegacyWritableLayer: it exports the changes of the
// legacy writable layer whose data is on the volume mounted at mountPath and whose folder
// (made by InitializeLegacyWritableLayer) is folderPath, to exportFolderPath/layer.tar.
func ExportLegacyWritableLayer(mountPath, folderPath, exportFolderPath, layerData string) error {
	if _, err := parseLayerData(layerData); err != nil {
		return err
	}
	for what, p := range map[string]string{"mountPath": mountPath, "folderPath": folderPath} {
		if err := checkAbs(what, p); err != nil {
			return err
		}
	}
	if kind, err := LayerKind(folderPath); err != nil || kind != KindLegacyFolder {
		return notKind(err, folderPath, "a legacy writable layer folder")
	}
	return exportWritable(mountPath, exportFolderPath)
}

// exportWritable exports the upper directory of the detached writable layer at path.
func exportWritable(path, exportFolderPath string) error {
	if attached, err := IsAttached(path); err != nil || attached {
		if err == nil {
			err = busy("%s is attached; detach it before exporting its changes", path)
		}
		return err
	}
	if !IsWritable(path) {
		return invalidLayer(path, "not a writable layer (no %s folder)", DataDir)
	}
	return exportDir(path, DataDir+"/upper", exportFolderPath)
}

// notKind is the error for a path that is not the kind of layer expected.
func notKind(err error, path, want string) error {
	if err != nil {
		return err
	}
	return invalidLayer(path, "not %s", want)
}

// exportDir writes the tree at sub below the directory path as layer.tar in exportFolder,
// through a temporary file renamed into place once complete.
func exportDir(path, sub, exportFolder string) error {
	if err := checkAbs("exportFolderPath", exportFolder); err != nil {
		return err
	}
	top, err := unix.Open(path, unix.O_DIRECTORY|unix.O_RDONLY|unix.O_CLOEXEC, 0)
	if err != nil {
		return sysError(err, "layer "+path)
	}
	defer unix.Close(top)
	root, err := openIn(top, sub, unix.O_DIRECTORY|unix.O_RDONLY)
	if err != nil {
		return sysError(err, "layer "+path)
	}
	defer unix.Close(root)
	efd, err := unix.Open(exportFolder, unix.O_DIRECTORY|unix.O_RDONLY|unix.O_CLOEXEC, 0)
	if err != nil {
		return sysError(err, "export folder "+exportFolder)
	}
	defer unix.Close(efd)
	return writeAtomically(efd, LayerTar, func(w io.Writer) error { return writeLayerTar(root, path, w) })
}

// writeAtomically creates name in the directory dirfd with the content write produces: it
// writes a hidden temporary file, flushes it and renames it to name, never replacing an
// existing file.
func writeAtomically(dirfd int, name string, write func(io.Writer) error) error {
	tmp := "." + name + ".hcs-tmp-" + randomSuffix()
	fd, err := unix.Openat(dirfd, tmp, unix.O_WRONLY|unix.O_CREAT|unix.O_EXCL|unix.O_NOFOLLOW|unix.O_CLOEXEC, 0o600)
	if err != nil {
		return sysError(err, "creating "+name)
	}
	// The file is named as the caller will know it: errors from writing it must not name
	// the temporary file, which is gone once the call returns.
	f := os.NewFile(uintptr(fd), name)
	ok := false
	defer func() {
		f.Close()
		if !ok {
			unix.Unlinkat(dirfd, tmp, 0)
		}
	}()
	bw := bufio.NewWriterSize(f, 1<<20)
	if err := write(bw); err != nil {
		return err
	}
	if err := bw.Flush(); err != nil {
		return sysError(err, "writing "+name)
	}
	if err := f.Sync(); err != nil {
		return sysError(err, "writing "+name)
	}
	if err := unix.Renameat2(dirfd, tmp, dirfd, name, unix.RENAME_NOREPLACE); err != nil {
		if err == unix.EEXIST {
			return hresult.Errorf(hresult.ERROR_ALREADY_EXISTS, "%s already exists in the export folder", name)
		}
		return sysError(err, "writing "+name)
	}
	ok = true
	return nil
}

// writeLayerTar writes the tree below root (the layer at path) as a layer tarball.
func writeLayerTar(root int, path string, w io.Writer) error {
	tw := tar.NewWriter(w)
	if opq, _ := getXattrAt(root, "", opaqueXattr); opq == "y" {
		// The layer root's own metadata is the host's, not the layer's: fixed values.
		rootDir := &tar.Header{Mode: 0o755, ModTime: time.Unix(0, 0)}
		if err := tw.WriteHeader(opaqueEntry("", rootDir)); err != nil {
			return hresult.Wrap(err, hresult.E_FAIL, "writing layer.tar")
		}
	}
	err := walkTree(root, whiteoutsFirst, func(n *node) error { return exportNode(tw, n) })
	if err = walkError(err, "reading layer "+path); err != nil {
		return err
	}
	return hresult.Wrap(tw.Close(), hresult.E_FAIL, "writing layer.tar")
}

// exportNode writes one entry in transport form.
func exportNode(tw *tar.Writer, n *node) error {
	h := n.hdr
	base := baseName(h.Name)
	if strings.HasPrefix(base, WhiteoutPrefix) {
		return invalidLayer("entry "+quote(h.Name), "a file named %s... cannot be represented in a layer tarball", WhiteoutPrefix)
	}
	opaque := h.PAXRecords[paxXattr+opaqueXattr] == "y" && h.Typeflag == tar.TypeDir
	filterXattrs(h)
	if isWhiteout(h) {
		h.Name = h.Name[:len(h.Name)-len(base)] + WhiteoutPrefix + base
		h.Typeflag, h.Devmajor, h.Devminor = tar.TypeReg, 0, 0
	}
	if err := tw.WriteHeader(h); err != nil {
		return hresult.Wrap(err, hresult.E_FAIL, "writing layer.tar: entry "+quote(h.Name))
	}
	if n.data != nil {
		if _, err := io.Copy(tw, n.dataReader()); err != nil {
			return sysError(err, "exporting entry "+quote(h.Name))
		}
	}
	if opaque {
		if err := tw.WriteHeader(opaqueEntry(h.Name, h)); err != nil {
			return hresult.Wrap(err, hresult.E_FAIL, "writing layer.tar")
		}
	}
	return nil
}

// isWhiteout reports whether h is an overlay whiteout (character device 0/0).
func isWhiteout(h *tar.Header) bool {
	return h.Typeflag == tar.TypeChar && h.Devmajor == 0 && h.Devminor == 0
}

// filterXattrs drops the attributes a layer tarball does not carry (see xattrPolicy; the
// opaque attribute becomes an entry of its own).
func filterXattrs(h *tar.Header) {
	for k := range h.PAXRecords {
		name, ok := strings.CutPrefix(k, paxXattr)
		if ok && (name == opaqueXattr || xattrPolicy(name, h.Typeflag) != xattrKeep) {
			delete(h.PAXRecords, k)
		}
	}
}

// opaqueEntry is the ".wh..wh..opq" entry of the directory dir (a walk name ending in "/",
// or "" for the root), with the directory's owner, mode and time.
func opaqueEntry(dir string, d *tar.Header) *tar.Header {
	return &tar.Header{Name: dir + WhiteoutOpaque, Typeflag: tar.TypeReg, Mode: d.Mode & 0o777,
		Uid: d.Uid, Gid: d.Gid, ModTime: d.ModTime, Format: tar.FormatPAX}
}

// whiteoutsFirst orders a directory's entries for export: whiteouts first (the OCI format
// asks for them before their siblings), then everything by name.
func whiteoutsFirst(entries []*node) {
	sort.Slice(entries, func(i, j int) bool {
		wi, wj := isWhiteout(entries[i].hdr), isWhiteout(entries[j].hdr)
		if wi != wj {
			return wi
		}
		return entries[i].hdr.Name < entries[j].hdr.Name
	})
}
