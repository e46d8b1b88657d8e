package storage

import (
	"fmt"

	"golang.org/x/sys/unix"

	"github.com/linuxhcs/hcs/hresult"
)

// AttachLayerStorageFilter is HcsAttachLayerStorageFilter: it mounts the union of the
// writable layer at layerPath over the read-only layers in layerData (topmost first) on
// layerPath itself, which then shows the merged view. A parent may be a read-only layer or a
// plain directory. An empty LayerData uses the layers the writable layer was initialised
// with; a layer that ends up with no parents at all is refused (see Attach). A layer
// already attached is refused (errBusy).
func AttachLayerStorageFilter(layerPath, layerData string) error {
	if err := checkAbs("layerPath", layerPath); err != nil {
		return err
	}
	ld, err := parseLayerData(layerData)
	if err != nil {
		return err
	}
	parents, err := parentPaths(ld)
	if err != nil {
		return err
	}
	mu.Lock()
	defer mu.Unlock()
	if attached, err := IsAttached(layerPath); err != nil || attached {
		if err == nil {
			err = busy("%s is already attached", layerPath)
		}
		return err
	}
	if len(ld.Layers) == 0 {
		if parents, err = storedParents(layerPath); err != nil {
			return err
		}
	}
	return Attach(layerPath, parents)
}

// RecordedParents returns the parent layers the writable layer at path was initialised with,
// topmost first and checked as AttachLayerStorageFilter checks them; none for a layer made
// without a chain (PrepareWritable). The layer must not be attached, since the union hides
// the record.
func RecordedParents(path string) ([]string, error) { return storedParents(path) }

// storedParents returns the parents recorded in the writable layer at path.
func storedParents(path string) ([]string, error) {
	fd, err := unix.Open(path, unix.O_DIRECTORY|unix.O_RDONLY|unix.O_CLOEXEC, 0)
	if err != nil {
		return nil, sysError(err, "writable layer "+path)
	}
	defer unix.Close(fd)
	c, err := readChain(fd, DataDir+"/"+chainFile)
	if isErrno(err, unix.ENOENT) {
		return nil, nil // prepared without a chain: no parents
	}
	if err != nil {
		return nil, invalidLayer(path, "reading its layer chain: %v", err)
	}
	for i, p := range c.Parents {
		if err := checkParentLayer(fmt.Sprintf("%s: recorded parent %d", path, i), p); err != nil {
			return nil, err
		}
	}
	return c.Parents, nil
}

// DetachLayerStorageFilter is HcsDetachLayerStorageFilter: it unmounts the union from
// layerPath. A layer that is not attached is left as it is; a union still in use (a
// container running on it) is refused with errBusy.
func DetachLayerStorageFilter(layerPath string) error {
	if err := checkAbs("layerPath", layerPath); err != nil {
		return err
	}
	mu.Lock()
	defer mu.Unlock()
	err := Detach(layerPath)
	if isErrno(err, unix.EBUSY) {
		return hresult.Wrap(err, errBusy, "the union on "+layerPath+" is in use")
	}
	return err
}
