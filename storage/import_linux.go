package storage

import (
	"archive/tar"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"io"
	"os"
	"path/filepath"

	"golang.org/x/sys/unix"

	"github.com/linuxhcs/hcs/hresult"
)

// ImportOptions are the choices ImportLayer makes for callers of the HCS API; Import takes
// them from Go callers that know better (a trusted image source, a smaller quota).
type ImportOptions struct {
	// AllowDevices lets the layer hold device nodes. Off, any device other than an overlay
	// whiteout (character device 0/0) makes the import fail.
	AllowDevices bool
	// Limits bound the layer's size; zero fields take the defaults.
	Limits Limits
}

// ImportLayer is HcsImportLayer: it makes a read-only layer at layerPath from the layer in
// transport form in sourceFolderPath (one tarball named layer.tar, layer.tar.gz or
// layer.tar.zst, or an extracted layer tree), converting whiteouts to overlay form.
// layerData lists the parent layers; they are checked but not needed on Linux, where every
// layer is stored on its own. The import is atomic: it either creates the whole layer or
// leaves the host as it was.
func ImportLayer(layerPath, sourceFolderPath, layerData string) error {
	return Import(layerPath, sourceFolderPath, layerData, ImportOptions{})
}

// Import is ImportLayer with options.
func Import(layerPath, sourceFolderPath, layerData string, opts ImportOptions) error {
	if _, err := parseLayerData(layerData); err != nil {
		return err
	}
	if err := checkAbs("layerPath", layerPath); err != nil {
		return err
	}
	if err := checkAbs("sourceFolderPath", sourceFolderPath); err != nil {
		return err
	}
	src, err := os.Open(sourceFolderPath)
	if err != nil {
		return sysError(err, "source folder "+sourceFolderPath)
	}
	defer src.Close()
	return stage(layerPath, KindReadOnly, func(root int) error {
		return importFrom(int(src.Fd()), root, opts)
	})
}

// importFrom writes the transport form in the directory srcfd into the staging root.
func importFrom(srcfd, root int, opts ImportOptions) error {
	tarName, err := transportFile(srcfd)
	if err != nil {
		return err
	}
	a := newApplier(root, "source folder", opts)
	defer a.close()
	if tarName == "" {
		err = walkTree(srcfd, nil, func(n *node) error { return a.apply(n.hdr, n.dataReader()) })
		err = walkError(err, "reading the source folder")
	} else {
		a.where = tarName
		err = readTarAt(srcfd, tarName, a)
	}
	if err != nil {
		return err
	}
	return a.finish()
}

// readTarAt reads the tarball name in the directory srcfd, refusing anything but a regular
// file (a symbolic link there is never followed).
func readTarAt(srcfd int, name string, a *applier) error {
	fd, err := openIn(srcfd, name, unix.O_RDONLY)
	if err != nil {
		return sysError(err, "opening "+name)
	}
	f := os.NewFile(uintptr(fd), name)
	defer f.Close()
	return readTar(name, f, a.q.lim, func(h *tar.Header, r io.Reader) error { return a.apply(h, r) })
}

// transportFile returns the tarball name when the source folder holds exactly one entry,
// a regular file named layer.tar, layer.tar.gz or layer.tar.zst; "" when it holds an
// extracted tree. A tarball name next to other entries is ambiguous and refused.
func transportFile(srcfd int) (string, error) {
	names, err := readNames(srcfd)
	if err != nil {
		return "", sysError(err, "reading the source folder")
	}
	found := ""
	for _, n := range names {
		if n == LayerTar || n == LayerTarGzip || n == LayerTarZstd {
			found = n
		}
	}
	switch {
	case found == "":
		return "", nil
	case len(names) > 1:
		return "", invalidArg("sourceFolderPath: it holds %s and other entries; a transport folder holds one tarball or an extracted tree", found)
	}
	var st unix.Stat_t
	if err := unix.Fstatat(srcfd, found, &st, unix.AT_SYMLINK_NOFOLLOW); err != nil || st.Mode&unix.S_IFMT != unix.S_IFREG {
		return "", invalidArg("sourceFolderPath: %s is not a regular file", found)
	}
	return found, nil
}

// stage creates the layer at layerPath atomically: fill writes into a fresh private
// directory next to it, which is marked as a layer of kind, flushed to disk and renamed to
// layerPath. On any failure the staging directory is removed and layerPath left alone; the
// staging directories a crash left for layerPath are removed first (sweepLeftovers).
// layerPath may exist as an empty directory, which the layer replaces.
func stage(layerPath string, kind Kind, fill func(root int) error) error {
	parent, base := filepath.Split(filepath.Clean(layerPath))
	if base == "" {
		return invalidArg("layerPath: %q names no directory", layerPath)
	}
	pfd, err := unix.Open(parent, unix.O_DIRECTORY|unix.O_RDONLY|unix.O_CLOEXEC, 0)
	if err != nil {
		return sysError(err, "layer folder "+parent)
	}
	defer unix.Close(pfd)
	if err := checkFreeTarget(pfd, base, layerPath); err != nil {
		return err
	}
	forget, err := recordStaging(parent, base)
	if err != nil {
		return err
	}
	stepImportJournaled.Reach()
	sweepLeftovers(pfd, base)
	tmp, root, err := newStaging(pfd, base)
	if err != nil {
		forget()
		return sysError(err, "creating the staging folder for "+layerPath)
	}
	ok := false
	defer func() {
		if ok || removeAllAt(pfd, tmp) == nil {
			forget() // else the record lets the next service remove it
		}
		unix.Close(root) // after the removal: the lock keeps sweeps off it until then
	}()
	if err := fill(root); err != nil {
		return err
	}
	stepImportFilled.Reach()
	if err := finishStage(root, pfd, tmp, base, kind); err != nil {
		return hresult.Wrap(err, 0, "layer "+layerPath)
	}
	ok = true
	return nil
}

// finishStage marks, flushes and renames the staging directory into place.
func finishStage(root, pfd int, tmp, base string, kind Kind) error {
	if err := unix.Fchmod(root, 0o700); err != nil {
		return sysError(err, "setting the layer's mode")
	}
	if err := unix.Fsetxattr(root, markerXattr, []byte(kind), 0); err != nil {
		return sysError(err, "marking the layer")
	}
	if err := unix.Syncfs(root); err != nil {
		return sysError(err, "flushing the layer")
	}
	if err := unix.Renameat(pfd, tmp, pfd, base); err != nil {
		if isErrno(err, unix.ENOTEMPTY, unix.EEXIST, unix.ENOTDIR, unix.EISDIR) {
			return hresult.Errorf(hresult.ERROR_ALREADY_EXISTS, "something else was created there meanwhile")
		}
		return sysError(err, "moving the layer into place")
	}
	stepImportRenamed.Reach()
	return sysError(unix.Fsync(pfd), "flushing the layer folder")
}

// checkFreeTarget fails unless base in the directory pfd is missing or an empty directory.
func checkFreeTarget(pfd int, base, path string) error {
	var st unix.Stat_t
	err := unix.Fstatat(pfd, base, &st, unix.AT_SYMLINK_NOFOLLOW)
	if err == unix.ENOENT {
		return nil
	}
	if err != nil {
		return sysError(err, path)
	}
	if st.Mode&unix.S_IFMT == unix.S_IFDIR {
		fd, err := openIn(pfd, base, unix.O_DIRECTORY|unix.O_RDONLY)
		if err == nil {
			names, _ := readNames(fd)
			unix.Close(fd)
			if len(names) == 0 {
				return nil
			}
		}
	}
	return hresult.Errorf(hresult.ERROR_ALREADY_EXISTS, "%s already exists and is not an empty directory", path)
}

// hiddenName is the name of a temporary directory next to base: ".BASE.hcs-WHAT-XXXXXXXX",
// with BASE shortened so that the name stays within the 255-byte limit.
func hiddenName(base, what string) string {
	return hiddenPrefix(base, what) + randomSuffix()
}

// hiddenPrefix is what hiddenName puts before the random suffix.
func hiddenPrefix(base, what string) string {
	if len(base) > 200 {
		base = base[:200]
	}
	return "." + base + ".hcs-" + what + "-"
}

// randomSuffix returns 8 random hex digits for temporary names.
func randomSuffix() string {
	b := make([]byte, 4)
	rand.Read(b)
	return hex.EncodeToString(b)
}

// checkAbs refuses a path that is empty or relative.
func checkAbs(what, p string) error {
	if p == "" || !filepath.IsAbs(p) {
		return invalidArg("%s: %q is not an absolute path", what, p)
	}
	return nil
}

// walkError passes errors the walk's visitor made unchanged and describes the walk's own
// (system call) errors as failures to read what.
func walkError(err error, what string) error {
	var he *hresult.Error
	if err == nil || errors.As(err, &he) {
		return err
	}
	return sysError(err, what)
}
