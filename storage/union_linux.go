package storage

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"golang.org/x/sys/unix"

	"github.com/linuxhcs/hcs/hresult"
)

// DataDir is the hidden folder of a writable layer that holds its overlay upper and work
// directories.
const DataDir = ".hcs-layer"

// unionOptions turn off the overlay features that store a change as a pointer instead of
// in place (renamed directories, metadata-only copies), so that the upper directory alone
// holds the layer's changes and exports stay faithful.
const unionOptions = "redirect_dir=off,metacopy=off"

// maxMountData is how long the overlay option string may get before the parents are passed
// as /proc/self/fd paths instead (the kernel takes one page of mount data).
const maxMountData = 3072

// upperDir and workDir are the overlay directories of the writable layer at path.
func upperDir(path string) string { return filepath.Join(path, DataDir, "upper") }
func workDir(path string) string  { return filepath.Join(path, DataDir, "work") }

// PrepareWritable makes path a writable layer if it is not one already: it creates the
// directory (mode 0700) and its hidden upper and work folders, and marks it KindWritable
// where the filesystem stores trusted.* attributes.
func PrepareWritable(path string) error {
	for _, dir := range []string{upperDir(path), workDir(path)} {
		if err := os.MkdirAll(dir, 0o700); err != nil {
			return hresult.Wrap(err, 0, "writable layer "+path)
		}
	}
	if err := os.Chmod(upperDir(path), 0o755); err != nil {
		return hresult.Wrap(err, 0, "writable layer "+path)
	}
	unix.Lsetxattr(path, markerXattr, []byte(KindWritable), 0)
	return nil
}

// IsWritable reports whether path holds a writable layer's data folder. On an attached layer
// the folder is covered by the union, so check before attaching.
func IsWritable(path string) bool {
	st, err := os.Stat(upperDir(path))
	return err == nil && st.IsDir()
}

// Attach mounts the union of the writable layer at path over parents (topmost first) on path
// itself. Parents may be any directories; AttachLayerStorageFilter is the HCS call, which
// also refuses writable layers as parents.
//
// A writable layer needs at least one parent: with none the union would be an empty root
// filesystem, which nothing can run in, so it is refused with HCS_E_INVALID_LAYER. (The
// spec gives no code for this; E_INVALIDARG would blame the arguments, but an empty LayerData
// is a valid argument meaning "the layers recorded at initialisation": what is wrong is the
// layer's chain.)
func Attach(path string, parents []string) error {
	return AttachMarked(path, parents, defaultUnionSource)
}

// defaultUnionSource is the mount source of a union attached without a mark.
const defaultUnionSource = "overlay"

// AttachMarked is Attach with source as the union's mount source (the field
// /proc/self/mountinfo shows before the options): a mark by which whoever attached the union
// finds it again when every record of it is lost (see MarkedUnions). source must be
// non-empty and hold no whitespace or commas.
func AttachMarked(path string, parents []string, source string) error {
	if source == "" || strings.ContainsAny(source, " \t\n,") {
		return hresult.Errorf(hresult.E_INVALIDARG, "union mark %q: must be non-empty, without blanks or commas", source)
	}
	if !IsWritable(path) {
		return hresult.Errorf(hresult.HCS_E_INVALID_LAYER, "%s is not a writable layer (no %s folder)", path, DataDir)
	}
	if len(parents) == 0 {
		return hresult.Errorf(hresult.HCS_E_INVALID_LAYER,
			"writable layer %s has no parent layers: initialise it over at least one read-only layer or directory, or pass its parents in LayerData", path)
	}
	for i, p := range parents {
		if !filepath.IsAbs(p) {
			return hresult.Errorf(hresult.E_INVALIDARG, "parent layer %d: %q is not an absolute path", i, p)
		}
		if err := checkParent(p); err != nil {
			return err
		}
	}
	return mountUnion(path, parents, source)
}

// checkParent fails for a parent layer that is missing or not a directory, naming it: the
// mount would fail too, but mount(2) cannot say which of the layers is at fault.
func checkParent(p string) error {
	st, err := os.Stat(p)
	if err != nil {
		var pe *fs.PathError
		if errors.As(err, &pe) {
			err = pe.Err // the path is named once, below
		}
		return sysError(err, "parent layer "+p)
	}
	if !st.IsDir() {
		return invalidLayer("parent layer "+p, "not a directory")
	}
	return nil
}

// mountUnion mounts overlayfs on path, through the mount API that takes each layer as an
// open descriptor (no length limit, no escaping, and /proc/self/mountinfo then names every
// layer by its real path, which DestroyLayer relies on), or through mount(2) on kernels
// older than 6.8.
func mountUnion(path string, parents []string, source string) error {
	err := mountUnionFds(path, parents, source)
	if err == errOldKernel {
		return mountUnionLegacy(path, parents, source)
	}
	return err
}

// mountUnionLegacy mounts overlayfs with mount(2). Parents whose paths would not fit the
// option string or contain characters it cannot carry are passed through /proc/self/fd
// links of O_PATH descriptors, which the kernel resolves at mount time.
func mountUnionLegacy(path string, parents []string, source string) error {
	lower := strings.Join(parents, ":")
	if len(lower) > maxMountData || strings.ContainsAny(lower, ",\\") || hasColon(parents) {
		fds, closeAll, err := openPaths(parents)
		if err != nil {
			return err
		}
		defer closeAll()
		lower = strings.Join(fds, ":")
	}
	data := fmt.Sprintf("lowerdir=%s,upperdir=%s,workdir=%s,%s", lower, upperDir(path), workDir(path), unionOptions)
	if err := unix.Mount(source, path, "overlay", 0, data); err != nil {
		return hresult.Wrap(err, hresult.E_FAIL, "attaching the union on "+path)
	}
	return nil
}

func hasColon(paths []string) bool {
	for _, p := range paths {
		if strings.Contains(p, ":") {
			return true
		}
	}
	return false
}

// openPaths opens each path O_PATH and returns its /proc/self/fd link.
func openPaths(paths []string) ([]string, func(), error) {
	var fds []int
	closeAll := func() {
		for _, fd := range fds {
			unix.Close(fd)
		}
	}
	links := make([]string, len(paths))
	for i, p := range paths {
		fd, err := unix.Open(p, unix.O_PATH|unix.O_DIRECTORY|unix.O_CLOEXEC, 0)
		if err != nil {
			closeAll()
			return nil, nil, hresult.Wrap(err, 0, "parent layer "+p)
		}
		fds = append(fds, fd)
		links[i] = "/proc/self/fd/" + strconv.Itoa(fd)
	}
	return links, closeAll, nil
}

// IsAttached reports whether a union is mounted on path.
func IsAttached(path string) (bool, error) {
	var stx unix.Statx_t
	if err := unix.Statx(unix.AT_FDCWD, path, unix.AT_SYMLINK_NOFOLLOW, unix.STATX_TYPE, &stx); err != nil {
		return false, hresult.Wrap(err, 0, "layer "+path)
	}
	if stx.Attributes_mask&unix.STATX_ATTR_MOUNT_ROOT == 0 || stx.Attributes&unix.STATX_ATTR_MOUNT_ROOT == 0 {
		return false, nil
	}
	var fs unix.Statfs_t
	if err := unix.Statfs(path, &fs); err != nil {
		return false, hresult.Wrap(err, 0, "layer "+path)
	}
	return fs.Type == unix.OVERLAYFS_SUPER_MAGIC, nil
}

// Detach unmounts the union from path. A layer that is not attached is left as it is.
func Detach(path string) error {
	attached, err := IsAttached(path)
	if err != nil || !attached {
		return err
	}
	if err := unix.Unmount(path, 0); err != nil {
		return hresult.Wrap(err, hresult.E_FAIL, "detaching the union from "+path)
	}
	return nil
}
