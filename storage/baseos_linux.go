package storage

import (
	"os"
	"strings"

	"golang.org/x/sys/unix"

	"github.com/linuxhcs/hcs/hresult"
	"github.com/linuxhcs/hcs/schema"
)

// lostFound is the directory mkfs.ext4 puts at the root of a volume; it belongs to the
// filesystem, not to the layer, and is not copied.
const lostFound = "lost+found"

// SetupBaseOSLayer is HcsSetupBaseOSLayer. It works in the direction the state asks for:
//   - layerPath is a read-only layer and vhd is given: the disk image is built from the
//     layer, without mounting (mkfs.ext4 -d), ready to be a VM's or container's base disk;
//   - layerPath is missing or an empty directory and vhd is given: a new read-only layer is
//     made from the image's ext4 filesystem, mounted read-only through a loop device for
//     the copy (which follows ImportLayer's rules) and released after;
//   - vhd is nil: layerPath must already be a read-only layer (it is checked, nothing else).
//
// options is an OsLayerOptions document; its Type may be "Container" or "Vm", and neither it
// nor the Windows boot options change what happens on Linux.
func SetupBaseOSLayer(layerPath string, vhd *os.File, options string) error {
	kind, err := checkBaseOS(layerPath, options)
	if err != nil {
		return err
	}
	switch {
	case vhd == nil && kind != KindReadOnly:
		return invalidLayer(layerPath, "not a read-only layer, and no disk image was given to make one from")
	case vhd == nil:
		return nil
	}
	img, err := openImage(vhd)
	if err != nil {
		return err
	}
	if err := img.checkDetached(); err != nil {
		return err
	}
	if kind == KindReadOnly {
		return imageFromLayer(img, layerPath)
	}
	return stage(layerPath, KindReadOnly, func(root int) error { return layerFromImage(img, root) })
}

// SetupBaseOSVolume is HcsSetupBaseOSVolume, SetupBaseOSLayer for a volume already mounted
// at volumePath: when layerPath is a read-only layer its files are copied onto the volume
// (which must be empty but for lost+found); when layerPath is missing or empty a new
// read-only layer is made from the volume's files, following ImportLayer's rules.
func SetupBaseOSVolume(layerPath, volumePath, options string) error {
	kind, err := checkBaseOS(layerPath, options)
	if err != nil {
		return err
	}
	if err := checkAbs("volumePath", volumePath); err != nil {
		return err
	}
	vol, err := unix.Open(volumePath, unix.O_DIRECTORY|unix.O_RDONLY|unix.O_CLOEXEC, 0)
	if err != nil {
		return sysError(err, "volume "+volumePath)
	}
	defer unix.Close(vol)
	if kind == KindReadOnly {
		return volumeFromLayer(layerPath, vol, volumePath)
	}
	return stage(layerPath, KindReadOnly, func(root int) error {
		return copyTree(vol, root, "volume", ImportOptions{})
	})
}

// checkBaseOS checks the arguments common to both calls and returns the layer's kind ("" for
// a missing or empty directory); anything else at layerPath is refused.
func checkBaseOS(layerPath, options string) (Kind, error) {
	var opts schema.OsLayerOptions
	if err := schema.Decode(options, &opts); err != nil {
		return "", err
	}
	if err := opts.Validate(); err != nil {
		return "", err
	}
	if err := checkAbs("layerPath", layerPath); err != nil {
		return "", err
	}
	kind, err := LayerKind(layerPath)
	if err != nil || kind == KindReadOnly {
		return kind, err
	}
	entries, err := os.ReadDir(layerPath)
	if err != nil && !os.IsNotExist(err) {
		return "", sysError(err, "layer "+layerPath)
	}
	if len(entries) > 0 || kind != "" {
		return "", invalidLayer(layerPath, "neither a read-only layer nor empty")
	}
	return "", nil
}

// imageFromLayer builds the image's ext4 filesystem from the layer's files.
func imageFromLayer(img *image, layerPath string) error {
	if img.size < minImageSize {
		return invalidArg("vhdHandle: the disk holds %d bytes, less than %d", img.size, minImageSize)
	}
	if err := img.mkfs("-d", layerPath); err != nil {
		return err
	}
	return img.restoreFooter()
}

// layerFromImage copies the image's files into the staging root through a private
// read-only mount that is always removed.
func layerFromImage(img *image, root int) error {
	tmp, err := os.MkdirTemp("", "hcs-image-")
	if err != nil {
		return sysError(err, "creating a mount point")
	}
	defer os.Remove(tmp)
	if err := img.mount(tmp, true); err != nil {
		return err
	}
	defer unix.Unmount(tmp, unix.MNT_DETACH)
	fd, err := unix.Open(tmp, unix.O_DIRECTORY|unix.O_RDONLY|unix.O_CLOEXEC, 0)
	if err != nil {
		return sysError(err, "opening the disk image's files")
	}
	defer unix.Close(fd)
	return copyTree(fd, root, "disk image", ImportOptions{})
}

// volumeFromLayer copies a read-only layer's files onto an empty volume. The layer passed
// the import rules already, so its devices are kept.
func volumeFromLayer(layerPath string, vol int, volumePath string) error {
	names, err := readNames(vol)
	if err != nil {
		return sysError(err, "volume "+volumePath)
	}
	for _, n := range names {
		if n != lostFound {
			return hresult.Errorf(hresult.ERROR_ALREADY_EXISTS, "volume %s is not empty (%s)", volumePath, n)
		}
	}
	src, err := unix.Open(layerPath, unix.O_DIRECTORY|unix.O_RDONLY|unix.O_CLOEXEC, 0)
	if err != nil {
		return sysError(err, "layer "+layerPath)
	}
	defer unix.Close(src)
	return copyTree(src, vol, "layer", ImportOptions{AllowDevices: true})
}

// copyTree copies the tree below the directory src into dst with ImportLayer's applier,
// leaving out the root's lost+found.
func copyTree(src, dst int, where string, opts ImportOptions) error {
	a := newApplier(dst, where, opts)
	defer a.close()
	err := walkTree(src, nil, func(n *node) error {
		if n.hdr.Name == lostFound+"/" || strings.HasPrefix(n.hdr.Name, lostFound+"/") {
			return nil
		}
		return a.apply(n.hdr, n.dataReader())
	})
	if err = walkError(err, "reading the "+where); err != nil {
		return err
	}
	return a.finish()
}
