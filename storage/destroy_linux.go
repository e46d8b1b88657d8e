package storage

import (
	"path/filepath"

	"golang.org/x/sys/unix"
)

// DestroyLayer is HcsDestroyLayer: it deletes the layer at layerPath. Unlike Windows it
// deletes only layers (directories marked by this package), and never one that is attached
// or in use (a mount point, holding a mount, or a parent of a mounted union). The layer is
// first renamed to a hidden name next to it, so it disappears at once; if removing the
// files then fails, that hidden ".NAME.hcs-destroy-*" directory is left to delete again.
func DestroyLayer(layerPath string) error {
	if err := checkAbs("layerPath", layerPath); err != nil {
		return err
	}
	mu.Lock()
	defer mu.Unlock()
	parent, base := filepath.Split(filepath.Clean(layerPath))
	if base == "" {
		return invalidArg("layerPath: %q names no directory", layerPath)
	}
	pfd, err := unix.Open(parent, unix.O_DIRECTORY|unix.O_RDONLY|unix.O_CLOEXEC, 0)
	if err != nil {
		return sysError(err, "layer "+layerPath)
	}
	defer unix.Close(pfd)
	if err := checkDestroyable(pfd, base, layerPath); err != nil {
		return err
	}
	tomb := hiddenName(base, "destroy")
	if err := unix.Renameat2(pfd, base, pfd, tomb, unix.RENAME_NOREPLACE); err != nil {
		return sysError(err, "destroying layer "+layerPath)
	}
	if err := removeAllAt(pfd, tomb); err != nil {
		return sysError(err, "destroying layer "+layerPath+" (left as "+filepath.Join(parent, tomb)+")")
	}
	return nil
}

// checkDestroyable fails unless base in the directory pfd is a layer directory that is not
// in use.
func checkDestroyable(pfd int, base, layerPath string) error {
	fd, err := unix.Openat(pfd, base, unix.O_PATH|unix.O_DIRECTORY|unix.O_NOFOLLOW|unix.O_CLOEXEC, 0)
	if isErrno(err, unix.ELOOP, unix.ENOTDIR) {
		return invalidLayer(layerPath, "not a layer (not a directory)")
	}
	if err != nil {
		return sysError(err, "layer "+layerPath)
	}
	real, err := realPath(fd)
	unix.Close(fd)
	if err != nil {
		return sysError(err, "layer "+layerPath)
	}
	if err := inUse(real); err != nil {
		return err
	}
	kind, err := getXattrAt(pfd, base, markerXattr)
	if err != nil {
		return sysError(err, "layer "+layerPath)
	}
	switch Kind(kind) {
	case KindReadOnly, KindWritable, KindLegacyFolder:
		return nil
	}
	return invalidLayer(layerPath, "not a layer (no %s marker); only layers are destroyed", markerXattr)
}
