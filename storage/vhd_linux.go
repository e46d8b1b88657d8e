package storage

import (
	"bytes"
	"os"
	"os/exec"
	"sort"
	"strconv"
	"strings"

	"golang.org/x/sys/unix"

	"github.com/linuxhcs/hcs/hresult"
)

// FormatWritableLayerVhd is HcsFormatWritableLayerVhd: it makes an ext4 filesystem on the
// disk image vhd (a fixed VHD, whose footer it keeps, or a raw image; a file or a block
// device). The image must not be attached.
func FormatWritableLayerVhd(vhd *os.File) error {
	img, err := openImage(vhd)
	if err != nil {
		return err
	}
	if err := img.checkDetached(); err != nil {
		return err
	}
	if img.size < minImageSize {
		return invalidArg("vhdHandle: the disk holds %d bytes, less than %d", img.size, minImageSize)
	}
	if err := img.mkfs(); err != nil {
		return err
	}
	return img.restoreFooter()
}

// mkfs runs mkfs.ext4 on the image's disk, limited to its size so the footer is never
// touched; extra arguments go before the device (-d DIR fills it from a directory).
func (img *image) mkfs(extra ...string) error {
	args := append([]string{"-F", "-q", "-b", "4096", "-E", "nodiscard"}, extra...)
	args = append(args, "/proc/self/fd/3", strconv.FormatInt(img.size/4096, 10))
	cmd := exec.Command("mkfs.ext4", args...)
	cmd.ExtraFiles = []*os.File{img.f}
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	if err := cmd.Run(); err != nil {
		return hresult.Errorf(hresult.E_FAIL, "mkfs.ext4 on %s: %v: %s", img.f.Name(), err, strings.TrimSpace(out.String()))
	}
	return nil
}

// checkDetached fails with errBusy when the image is bound to a loop device or mounted.
func (img *image) checkDetached() error {
	if p, _ := img.mountPath(); p != "" {
		return busy("disk image %s is mounted on %s", img.f.Name(), p)
	}
	if img.st.Mode&unix.S_IFMT == unix.S_IFREG && len(loopsOf(&img.st)) > 0 {
		return busy("disk image %s is attached to a loop device", img.f.Name())
	}
	return nil
}

// GetLayerVhdMountPath is HcsGetLayerVhdMountPath: it returns where the disk image vhd is
// mounted. An image is attached when it is bound to a loop device (as MountLayerVhd does)
// or is itself a block device, and that device is mounted; the shortest mount point is
// returned. An image that is not mounted gives ERROR_NOT_FOUND.
func GetLayerVhdMountPath(vhd *os.File) (string, error) {
	img, err := openImage(vhd)
	if err != nil {
		return "", err
	}
	p, err := img.mountPath()
	if err == nil && p == "" {
		err = hresult.Errorf(hresult.ERROR_NOT_FOUND, "disk image %s is not mounted", vhd.Name())
	}
	return p, err
}

// mountPath finds the image's mount point ("" when it has none).
func (img *image) mountPath() (string, error) {
	var devs []string
	if img.st.Mode&unix.S_IFMT == unix.S_IFBLK {
		devs = []string{devNumber(img.st.Rdev)}
	} else {
		devs = loopsOf(&img.st)
	}
	if len(devs) == 0 {
		return "", nil
	}
	list, err := mounts()
	if err != nil {
		return "", sysError(err, "reading the mount table")
	}
	var points []string
	for _, m := range list {
		for _, d := range devs {
			if m.dev == d {
				points = append(points, m.point)
			}
		}
	}
	sort.Slice(points, func(i, j int) bool { return len(points[i]) < len(points[j]) })
	if len(points) == 0 {
		return "", nil
	}
	return points[0], nil
}

// MountLayerVhd attaches the ext4 filesystem of the disk image vhd read-write at mountPath
// (an existing directory) through a loop device, with nodev and nosuid. It is the Linux
// stand-in for attaching a VHD on Windows: GetLayerVhdMountPath then finds it, and the
// loop device is released when UnmountLayerVhd unmounts it.
func MountLayerVhd(vhd *os.File, mountPath string) error {
	if err := checkAbs("mountPath", mountPath); err != nil {
		return err
	}
	img, err := openImage(vhd)
	if err != nil {
		return err
	}
	if err := img.checkDetached(); err != nil {
		return err
	}
	return img.mount(mountPath, false)
}

// mount binds the image to a loop device and mounts its ext4 filesystem on target. Read-only
// mounts also skip the journal (noload) and forbid execution. The loop device is released
// on every error, and with the mount otherwise.
func (img *image) mount(target string, readOnly bool) error {
	loop, err := attachLoop(img.f, img.size, readOnly)
	if err != nil {
		return err
	}
	defer loop.close()
	flags, data := uintptr(unix.MS_NODEV|unix.MS_NOSUID), ""
	if readOnly {
		flags |= unix.MS_RDONLY | unix.MS_NOEXEC
		data = "noload"
	}
	if err := unix.Mount(loop.path, target, "ext4", flags, data); err != nil {
		if isErrno(err, unix.EINVAL) {
			return invalidLayer("disk image "+img.f.Name(), "no ext4 filesystem on it")
		}
		return sysError(err, "mounting disk image "+img.f.Name()+" on "+target)
	}
	return nil
}

// UnmountLayerVhd unmounts the disk image mounted at mountPath by MountLayerVhd, which
// releases its loop device. Anything but an ext4 filesystem on a loop device is refused.
func UnmountLayerVhd(mountPath string) error {
	if err := checkAbs("mountPath", mountPath); err != nil {
		return err
	}
	list, err := mounts()
	if err != nil {
		return sysError(err, "reading the mount table")
	}
	for i := len(list) - 1; i >= 0; i-- {
		m := list[i]
		if m.point != mountPath {
			continue
		}
		if m.fstype != "ext4" || !strings.HasPrefix(m.source, "/dev/loop") {
			return invalidArg("mountPath: %s has %s from %s on it, not a layer disk image", mountPath, m.fstype, m.source)
		}
		return sysError(unix.Unmount(mountPath, 0), "unmounting "+mountPath)
	}
	return hresult.Errorf(hresult.ERROR_NOT_FOUND, "no disk image is mounted on %s", mountPath)
}
