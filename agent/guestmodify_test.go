package agent

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/linuxhcs/hcs/agent/protocol"
	"github.com/linuxhcs/hcs/hresult"
)

// fakeSysfs builds the SCSI part of a guest's sysfs: two virtio-scsi controllers on
// 00:04.0 and 00:03.0 (hosts 2 and 0, numbered apart from their PCI order), an AHCI port
// (host 1), and a disk at LUN 5 of the controller on 00:04.0.
func fakeSysfs(t *testing.T) string {
	t.Helper()
	root := t.TempDir()
	hosts := map[string]string{
		"host0": "devices/pci0000:00/0000:00:03.0/virtio1/host0",
		"host1": "devices/pci0000:00/0000:00:1f.2/ata1/host1",
		"host2": "devices/pci0000:00/0000:00:04.0/virtio2/host2",
	}
	os.MkdirAll(filepath.Join(root, "class/scsi_host"), 0o755)
	for name, dev := range hosts {
		os.MkdirAll(filepath.Join(root, dev), 0o755)
		if err := os.Symlink(filepath.Join(root, dev), filepath.Join(root, "class/scsi_host", name)); err != nil {
			t.Fatal(err)
		}
	}
	os.MkdirAll(filepath.Join(root, "bus/scsi/devices/2:0:0:5/block/sdb"), 0o755)
	return root
}

// TestFindDisk: controllers are counted among virtio-scsi hosts in PCI order, so
// controller 1 is host 2 and its LUN 5 is sdb; a missing LUN or controller is
// ERROR_NOT_FOUND naming the field.
func TestFindDisk(t *testing.T) {
	old := sysfs
	sysfs = fakeSysfs(t)
	defer func() { sysfs = old }()
	if dev, err := findDisk(1, 5); err != nil || dev != "/dev/sdb" {
		t.Errorf("controller 1, LUN 5: %q, %v; want /dev/sdb", dev, err)
	}
	_, err := findDisk(0, 5)
	wantCode(t, err, hresult.ERROR_NOT_FOUND, "$.GuestRequest.Settings.Lun: the guest has no disk at LUN 5 of SCSI controller 0 (0:0:0:5)")
	_, err = findDisk(2, 0)
	wantCode(t, err, hresult.ERROR_NOT_FOUND, "$.GuestRequest.Settings.Controller: the guest has 2 SCSI controllers, no controller 2")
}

// TestGuestModifyRefusals: requests refused before anything is mounted.
func TestGuestModifyRefusals(t *testing.T) {
	for _, c := range []struct {
		req  protocol.GuestModifyRequest
		code hresult.HRESULT
		msg  string
	}{
		{protocol.GuestModifyRequest{ResourceType: "Network", RequestType: "Add"}, hresult.ERROR_NOT_SUPPORTED,
			`$.GuestRequest.ResourceType: "Network" is not supported by the guest agent`},
		{protocol.GuestModifyRequest{ResourceType: "MappedDirectory", RequestType: "Update"}, hresult.ERROR_NOT_SUPPORTED,
			`$.GuestRequest.RequestType: "Update" of a MappedDirectory is not supported by the guest agent`},
		{protocol.GuestModifyRequest{ResourceType: "CombinedLayers", RequestType: "Add"}, hresult.E_INVALIDARG,
			"$.GuestRequest.Settings: required for a CombinedLayers"},
		{protocol.GuestModifyRequest{ResourceType: "MappedDirectory", RequestType: "Add", Settings: json.RawMessage(`{"MountPath":"rel"}`)},
			hresult.E_INVALIDARG, `$.GuestRequest.Settings.MountPath: "rel": expected an absolute path`},
		{protocol.GuestModifyRequest{ResourceType: "MappedVirtualDisk", RequestType: "Add",
			Settings: json.RawMessage(`{"MountPath":"` + t.TempDir() + `","Partition":1}`)},
			hresult.ERROR_NOT_SUPPORTED, "$.GuestRequest.Settings.Partition: partitions is not supported"},
		{protocol.GuestModifyRequest{ResourceType: "CombinedLayers", RequestType: "Add",
			Settings: json.RawMessage(`{"ContainerRootPath":"` + t.TempDir() + `","Layers":[{"Path":"/a:b"}],"ScratchPath":"/s"}`)},
			hresult.E_INVALIDARG, `$.GuestRequest.Settings.Layers[0].Path "/a:b": expected an absolute path without ',' or ':'`},
	} {
		wantCode(t, guestModify(context.Background(), &c.req), c.code, c.msg)
	}
}

func wantCode(t *testing.T, err error, code hresult.HRESULT, msg string) {
	t.Helper()
	if !hresult.Is(err, code) || !strings.Contains(err.Error(), msg) {
		t.Errorf("%v, want %v saying %q", err, code, msg)
	}
}
