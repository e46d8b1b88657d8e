package storage

import (
	"fmt"
	"os"
	"time"

	"golang.org/x/sys/unix"

	"github.com/linuxhcs/hcs/hresult"
)

// minImageSize is the smallest disk image FormatWritableLayerVhd formats.
const minImageSize = 1 << 20

// image is a disk image behind a caller's handle: a raw image or a fixed VHD, in a regular
// file or on a block device. The filesystem occupies the first size bytes.
type image struct {
	f      *os.File
	size   int64  // bytes of the disk (the footer excluded)
	footer []byte // the VHD footer, nil for a raw image
	st     unix.Stat_t
}

// openImage inspects the disk image f. Dynamic and differencing VHDs are not supported; a
// VHD footer whose size disagrees with the file is refused.
func openImage(f *os.File) (*image, error) {
	if f == nil {
		return nil, invalidArg("vhdHandle: no disk image given")
	}
	img := &image{f: f}
	if err := unix.Fstat(int(f.Fd()), &img.st); err != nil {
		return nil, sysError(err, "disk image "+f.Name())
	}
	total, err := img.totalSize()
	if err != nil {
		return nil, err
	}
	img.size = total
	if total < vhdFooterSize {
		return img, nil
	}
	footer := make([]byte, vhdFooterSize)
	if _, err := f.ReadAt(footer, total-vhdFooterSize); err != nil {
		return nil, sysError(err, "reading disk image "+f.Name())
	}
	return img, img.useFooter(footer, total)
}

// totalSize is the byte size of the file or block device.
func (img *image) totalSize() (int64, error) {
	switch img.st.Mode & unix.S_IFMT {
	case unix.S_IFREG:
		return img.st.Size, nil
	case unix.S_IFBLK:
		n, err := unix.IoctlGetUint64(int(img.f.Fd()), unix.BLKGETSIZE64)
		if err != nil {
			return 0, sysError(err, "disk image "+img.f.Name())
		}
		return int64(n), nil
	}
	return 0, invalidArg("vhdHandle: %s is neither a file nor a block device", img.f.Name())
}

// useFooter takes the footer into account when the image ends with one.
func (img *image) useFooter(footer []byte, total int64) error {
	info, ok, err := parseVhdFooter(footer)
	name := "disk image " + img.f.Name()
	switch {
	case !ok:
		return nil
	case err != nil:
		return invalidLayer(name, "%v", err)
	case info.diskType == vhdTypeDynamic || info.diskType == vhdTypeDiff:
		return hresult.Errorf(hresult.ERROR_NOT_SUPPORTED, "%s: dynamic and differencing VHDs are not supported; use a fixed VHD or a raw image", name)
	case info.diskType != vhdTypeFixed:
		return invalidLayer(name, "unknown VHD disk type %d", info.diskType)
	case info.size != total-vhdFooterSize:
		return invalidLayer(name, "the VHD footer gives a disk of %d bytes but the file holds %d", info.size, total-vhdFooterSize)
	}
	img.size, img.footer = info.size, footer
	return nil
}

// CreateVhd creates a fixed VHD of size bytes (rounded up to whole 4 KiB blocks) at path: a
// sparse file of zeros followed by the footer. It fails if path exists.
func CreateVhd(path string, size int64) error {
	if size < minImageSize || size > 1<<50 {
		return invalidArg("size: %d is not between %d and 2^50", size, minImageSize)
	}
	size = (size + 4095) &^ 4095
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		return sysError(err, "creating "+path)
	}
	_, err = f.WriteAt(makeVhdFooter(size, time.Now()), size)
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		os.Remove(path)
		return sysError(err, "creating "+path)
	}
	return nil
}

// restoreFooter writes the footer back if a tool changed it.
func (img *image) restoreFooter() error {
	if img.footer == nil {
		return nil
	}
	cur := make([]byte, vhdFooterSize)
	if _, err := img.f.ReadAt(cur, img.size); err == nil && string(cur) == string(img.footer) {
		return nil
	}
	if _, err := img.f.WriteAt(img.footer, img.size); err != nil {
		return sysError(err, fmt.Sprintf("restoring the VHD footer of %s", img.f.Name()))
	}
	return nil
}
