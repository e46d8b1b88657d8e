package agent

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"time"

	"golang.org/x/sys/unix"

	"github.com/linuxhcs/hcs/agent/protocol"
	"github.com/linuxhcs/hcs/hresult"
)

// guestModify applies a GuestModify request: it mounts (Add) or unmounts (Remove) a 9p
// share, a SCSI disk or a union of layers in the agent's mount namespace, where later
// containers of the guest find them.
func guestModify(ctx context.Context, req *protocol.GuestModifyRequest) error {
	if req.RequestType != "Add" && req.RequestType != "Remove" {
		return hresult.Errorf(hresult.ERROR_NOT_SUPPORTED,
			"$.GuestRequest.RequestType: %q of a %s is not supported by the guest agent", req.RequestType, req.ResourceType)
	}
	add := req.RequestType == "Add"
	switch req.ResourceType {
	case protocol.GuestMappedDirectoryType:
		var s protocol.GuestMappedDirectory
		return withSettings(req, &s, func() error { return mapDirectoryGuest(ctx, &s, add) })
	case protocol.GuestMappedVirtualDiskType:
		var s protocol.GuestMappedVirtualDisk
		return withSettings(req, &s, func() error { return mapDiskGuest(ctx, &s, add) })
	case protocol.GuestCombinedLayersType:
		var s protocol.GuestCombinedLayers
		return withSettings(req, &s, func() error { return combineLayers(&s, add) })
	}
	return hresult.Errorf(hresult.ERROR_NOT_SUPPORTED,
		"$.GuestRequest.ResourceType: %q is not supported by the guest agent", req.ResourceType)
}

// withSettings decodes the request's Settings into s and runs apply.
func withSettings(req *protocol.GuestModifyRequest, s any, apply func() error) error {
	if len(req.Settings) == 0 || string(req.Settings) == "null" {
		return hresult.Errorf(hresult.E_INVALIDARG, "$.GuestRequest.Settings: required for a %s", req.ResourceType)
	}
	if err := json.Unmarshal(req.Settings, s); err != nil {
		return hresult.Wrap(err, hresult.E_INVALIDARG, "$.GuestRequest.Settings of a "+req.ResourceType)
	}
	return apply()
}

// mapDirectoryGuest mounts the 9p share ShareName at MountPath, or unmounts it.
func mapDirectoryGuest(ctx context.Context, s *protocol.GuestMappedDirectory, add bool) error {
	const field = "$.GuestRequest.Settings.MountPath"
	if err := mountPoint(s.MountPath, field, add); err != nil {
		return err
	}
	if !add {
		return unmountAt(s.MountPath, field)
	}
	if s.ShareName == "" {
		return hresult.Errorf(hresult.E_INVALIDARG, "$.GuestRequest.Settings.ShareName: required")
	}
	if err := waitTag(ctx, s.ShareName); err != nil {
		return err
	}
	err := unix.Mount(s.ShareName, s.MountPath, "9p", roFlag(s.ReadOnly), "trans=virtio,version=9p2000.L")
	if err != nil {
		return hresult.Wrap(err, hresult.E_FAIL,
			fmt.Sprintf("$.GuestRequest.Settings: mount the 9p share %q on %s", s.ShareName, s.MountPath))
	}
	return nil
}

// combineLayers mounts the overlay of the layers and the scratch at ContainerRootPath, or
// unmounts it. The mount exists in the agent's namespace so that a container created later
// can use the root as its layers; the scratch's upper and work directories are the
// overlay's, as CreateContainer makes them.
func combineLayers(s *protocol.GuestCombinedLayers, add bool) error {
	const field = "$.GuestRequest.Settings.ContainerRootPath"
	if err := mountPoint(s.ContainerRootPath, field, add); err != nil {
		return err
	}
	if !add {
		return unmountAt(s.ContainerRootPath, field)
	}
	layers := make([]string, len(s.Layers))
	for i, l := range s.Layers {
		layers[i] = l.Path
	}
	// The scratch is made when absent: it is usually a directory of a scratch disk the
	// guest has just mounted, which holds nothing yet.
	u, err := newUnion(layers, s.ScratchPath, func(i int) string { return fmt.Sprintf("$.GuestRequest.Settings.Layers[%d].Path", i) },
		"$.GuestRequest.Settings.ScratchPath")
	if err != nil {
		return err
	}
	return hresult.Wrap(u.mount(s.ContainerRootPath), hresult.E_FAIL, "$.GuestRequest.Settings")
}

// mountPoint checks a MountPath: absolute, and for an Add created when absent.
func mountPoint(path, field string, add bool) error {
	if !filepath.IsAbs(path) || strings.ContainsRune(path, 0) {
		return hresult.Errorf(hresult.E_INVALIDARG, "%s: %q: expected an absolute path", field, path)
	}
	if add {
		if err := os.MkdirAll(path, 0o755); err != nil {
			return hresult.Wrap(err, 0, field)
		}
	}
	return nil
}

// unmountAt unmounts path. A busy mount stays (ERROR_BUSY) so the host does
// not unplug a device the guest still uses; a path that is not a mount point is
// ERROR_NOT_FOUND.
func unmountAt(path, field string) error {
	switch err := unix.Unmount(path, 0); {
	case err == nil:
		return nil
	case errors.Is(err, unix.EBUSY):
		return hresult.Wrap(err, hresult.ERROR_BUSY, fmt.Sprintf("%s: unmount %s in the guest", field, path))
	case errors.Is(err, unix.EINVAL), errors.Is(err, unix.ENOENT):
		return hresult.Errorf(hresult.ERROR_NOT_FOUND, "%s: nothing is mounted on %s in the guest", field, path)
	default:
		return hresult.Wrap(err, 0, fmt.Sprintf("%s: unmount %s in the guest", field, path))
	}
}

func roFlag(ro bool) uintptr {
	if ro {
		return unix.MS_RDONLY
	}
	return 0
}

// plugWait bounds the wait for a device the host just plugged in to appear in the guest:
// the guest probes it after the hot-plug, on its own.
const plugWait = 10 * time.Second

// waitTag waits until a virtio-9p device with the mount tag is bound in the guest.
func waitTag(ctx context.Context, tag string) error {
	return waitFor(ctx, "the 9p share "+tag, func() error {
		tags, _ := filepath.Glob(filepath.Join(sysfs, "bus/virtio/drivers/9pnet_virtio/*/mount_tag"))
		for _, f := range tags {
			if b, err := os.ReadFile(f); err == nil && strings.TrimRight(string(b), "\x00\n") == tag {
				return nil
			}
		}
		return hresult.Errorf(hresult.ERROR_NOT_FOUND,
			"$.GuestRequest.Settings.ShareName: the guest has no 9p share %q (no virtio-9p device with that mount tag)", tag)
	})
}

// waitFor calls find until it succeeds or plugWait has passed, and returns its last error.
func waitFor(ctx context.Context, what string, find func() error) error {
	deadline := time.Now().Add(plugWait)
	for {
		err := find()
		if err == nil || time.Now().After(deadline) {
			return err
		}
		select {
		case <-ctx.Done():
			return hresult.Wrap(ctx.Err(), hresult.HCS_E_CONNECTION_CLOSED, "wait for "+what)
		case <-time.After(50 * time.Millisecond):
		}
	}
}

// sysfs is where the agent finds SCSI hosts and devices; tests point it elsewhere.
var sysfs = "/sys"

// mapDiskGuest mounts the ext4 file system of the SCSI disk at Controller and Lun on
// MountPath, or unmounts it.
func mapDiskGuest(ctx context.Context, s *protocol.GuestMappedVirtualDisk, add bool) error {
	const field = "$.GuestRequest.Settings.MountPath"
	if err := mountPoint(s.MountPath, field, add); err != nil {
		return err
	}
	if !add {
		return unmountAt(s.MountPath, field)
	}
	if s.Partition != 0 {
		return hresult.Errorf(hresult.ERROR_NOT_SUPPORTED,
			"$.GuestRequest.Settings.Partition: partitions is not supported by the guest agent; the file system must fill the disk")
	}
	deadline := time.Now().Add(plugWait)
	for {
		dev, err := waitDisk(ctx, s.Controller, s.Lun)
		if err != nil {
			return err
		}
		err = unix.Mount(dev, s.MountPath, "ext4", roFlag(s.ReadOnly), "")
		if err == nil {
			return nil
		}
		// The guest may probe a hot-added disk twice (its LUN list changed): the node can
		// exist while the disk has no capacity yet, and then refuses to open.
		if !errors.Is(err, unix.ENXIO) && !errors.Is(err, unix.ENOENT) || time.Now().After(deadline) {
			return hresult.Wrap(err, hresult.E_FAIL, fmt.Sprintf("$.GuestRequest.Settings: mount %s (controller %d, LUN %d) on %s as ext4",
				dev, s.Controller, s.Lun, s.MountPath))
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// waitDisk returns the device node of the disk at LUN lun of the controller'th virtio-scsi
// controller, waiting for the guest to find it and for its node to appear.
func waitDisk(ctx context.Context, controller, lun uint8) (dev string, err error) {
	err = waitFor(ctx, "a SCSI disk", func() (err error) {
		if dev, err = findDisk(controller, lun); err == nil {
			_, err = os.Stat(dev)
		}
		if err == nil && !hasCapacity(filepath.Base(dev)) {
			err = hresult.Errorf(hresult.ERROR_NOT_FOUND,
				"$.GuestRequest.Settings.Lun: the disk at LUN %d of SCSI controller %d has no capacity", lun, controller)
		}
		return err
	})
	return dev, err
}

// hasCapacity reports whether the guest has read the block device's size yet.
func hasCapacity(name string) bool {
	b, err := os.ReadFile(filepath.Join(sysfs, "class/block", name, "size"))
	return err == nil && strings.TrimSpace(string(b)) != "0"
}

// findDisk looks the disk up in sysfs. The host attaches every disk as target 0, channel 0
// with the LUN as given (see driver/vm's DiskFor), so the guest's H:C:T:L is
// <host>:0:0:<lun>, where host is the SCSI host of the controller.
func findDisk(controller, lun uint8) (string, error) {
	hosts, err := virtioSCSIHosts()
	if err != nil {
		return "", err
	}
	if int(controller) >= len(hosts) {
		return "", hresult.Errorf(hresult.ERROR_NOT_FOUND,
			"$.GuestRequest.Settings.Controller: the guest has %d SCSI controllers, no controller %d", len(hosts), controller)
	}
	addr := fmt.Sprintf("%d:0:0:%d", hosts[controller], lun)
	names, _ := filepath.Glob(filepath.Join(sysfs, "bus/scsi/devices", addr, "block/*"))
	if len(names) == 0 {
		return "", hresult.Errorf(hresult.ERROR_NOT_FOUND,
			"$.GuestRequest.Settings.Lun: the guest has no disk at LUN %d of SCSI controller %d (%s)", lun, controller, addr)
	}
	return "/dev/" + filepath.Base(names[0]), nil
}

// virtioSCSIHosts returns the host numbers of the guest's virtio-scsi controllers in the
// order of their PCI addresses, which is the order the VM was given them (QEMU assigns
// the slots in command-line order, and the driver adds the controllers in the order of
// their keys). Other SCSI hosts (an AHCI controller's ports) are left out.
func virtioSCSIHosts() ([]int, error) {
	links, err := filepath.Glob(filepath.Join(sysfs, "class/scsi_host/host*"))
	if err != nil {
		return nil, err
	}
	type host struct {
		n    int
		path string
	}
	var hosts []host
	for _, l := range links {
		path, err := filepath.EvalSymlinks(l)
		n, nerr := strconv.Atoi(strings.TrimPrefix(filepath.Base(l), "host"))
		if err != nil || nerr != nil || !strings.Contains(path, "/virtio") {
			continue
		}
		hosts = append(hosts, host{n, path})
	}
	slices.SortFunc(hosts, func(a, b host) int { return strings.Compare(a.path, b.path) })
	ns := make([]int, len(hosts))
	for i, h := range hosts {
		ns[i] = h.n
	}
	return ns, nil
}
