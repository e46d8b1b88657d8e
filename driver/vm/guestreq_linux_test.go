package vm

import (
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"testing"

	"github.com/linuxhcs/hcs/agent/protocol"
	"github.com/linuxhcs/hcs/hresult"
	"github.com/linuxhcs/hcs/internal/testutil"
	"github.com/linuxhcs/hcs/schema"
)

// withGuest adds a GuestRequest to req (a new request when req is nil).
func withGuest(req *schema.ModifySettingRequest, typ schema.ModifyResourceType, rt schema.ModifyRequestType, settings any) *schema.ModifySettingRequest {
	if req == nil {
		req = new(schema.ModifySettingRequest)
	}
	b, _ := json.Marshal(settings)
	req.GuestRequest, _ = json.Marshal(schema.GuestModifySettingRequest{ResourceType: typ, RequestType: rt, Settings: b})
	return req
}

// ext4Disk makes a private 16 MiB ext4 image holding one file, granted to VM id.
func ext4Disk(t *testing.T, id, name, content string) string {
	t.Helper()
	dir, err := os.MkdirTemp(env.dir, "ext4-")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(dir) })
	os.Chmod(dir, 0o700)
	src := filepath.Join(dir, "src")
	os.Mkdir(src, 0o755)
	if err := os.WriteFile(filepath.Join(src, name), []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
	img := filepath.Join(dir, "layer.img")
	if err := os.WriteFile(img, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	os.Truncate(img, 16<<20)
	if out, err := exec.Command("mkfs.ext4", "-q", "-F", "-d", src, img).CombinedOutput(); err != nil {
		t.Fatalf("mkfs.ext4: %v: %s", err, out)
	}
	if err := GrantVmAccess(id, img); err != nil {
		t.Fatal(err)
	}
	return img
}

// TestGuestRequests: the guest part of a request mounts what the host part attached, as
// hcsshim asks for a utility VM's layers: a 9p share at MountPath (MappedDirectory), an
// ext4 SCSI disk on the second controller (MappedVirtualDisk), and the union of two
// mounted layers with a scratch (CombinedLayers); Remove unmounts each. A guest part that
// fails undoes the host part. A VM that has not started refuses guest requests.
func TestGuestRequests(t *testing.T) {
	requireVM(t)
	k, err := plan9Kernel()
	if err != nil {
		testutil.SkipOrFail(t, "no installed kernel has the 9p modules (scripts/setup.sh installs linux-image-amd64)")
	}
	doc := vmDoc(k[0], k[1])
	doc.VirtualMachine.Devices = &schema.Devices{Scsi: map[string]schema.Scsi{"0": {}, "1": {}}}
	v := createVM(t, newTestDriver(t), doc)
	dir := protocol.GuestMappedDirectory{MountPath: "/run/layers/d1", ShareName: "lay1", Port: 564, ReadOnly: true}
	wantErr(t, "a guest request before Start", v.modify(withGuest(nil, schema.ModifyResourceTypeMappedDirectory, schema.ModifyRequestTypeAdd, dir)),
		hresult.HCS_E_INVALID_STATE, "$.GuestRequest: VM "+v.id+" is not running: its guest cannot take requests")
	v.start()

	// The shares outlive the subtest that adds them: CombinedLayers uses them.
	one := sharedDir(t, "hello.txt", "hello from the host\n")
	os.WriteFile(filepath.Join(one, "same.txt"), []byte("bottom\n"), 0o644)
	two := sharedDir(t, "same.txt", "top\n")
	t.Run("MappedDirectory", func(t *testing.T) { guestMappedDirectories(t, v, one, two) })
	t.Run("UndoHostPart", func(t *testing.T) { guestFailureUndoes(t, v) })
	t.Run("MappedVirtualDisk", func(t *testing.T) { guestMappedDisk(t, v) })
	t.Run("CombinedLayers", func(t *testing.T) { guestCombinedLayers(t, v) })
	t.Run("RemoveMappedDirectory", func(t *testing.T) { guestRemoveDirectories(t, v) })
}

// shareRequest is a 9p share Add or Remove with the guest's MappedDirectory of it.
func shareRequest(rt schema.ModifyRequestType, name, path, mountPath string) *schema.ModifySettingRequest {
	req := plan9Request(rt, schema.Plan9Share{Name: name, AccessName: name, Path: path, Port: 564, Flags: Plan9ReadOnly})
	return withGuest(req, schema.ModifyResourceTypeMappedDirectory, rt,
		protocol.GuestMappedDirectory{MountPath: mountPath, ShareName: name, Port: 564, ReadOnly: true})
}

// guestMappedDirectories adds two read-only shares, each mounted by the guest part.
func guestMappedDirectories(t *testing.T, v *vm, one, two string) {
	if err := v.modify(shareRequest(schema.ModifyRequestTypeAdd, "lay1", one, "/run/layers/d1")); err != nil {
		t.Fatalf("adding a share mounted by the guest: %v", err)
	}
	if err := v.modify(shareRequest(schema.ModifyRequestTypeAdd, "lay2", two, "/run/layers/d2")); err != nil {
		t.Fatalf("adding a second share: %v", err)
	}
	out, code := v.sh(`cat /run/layers/d1/hello.txt /run/layers/d2/same.txt; touch /run/layers/d1/new 2>/dev/null && echo writable
		grep " /run/layers/d1 " /proc/mounts | cut -d" " -f1,3`)
	if code != 0 || out != "hello from the host\ntop\nlay1 9p\n" {
		t.Errorf("the guest over the mapped directories: %q (exit %d)", out, code)
	}
}

// guestFailureUndoes: a share whose guest mount fails is unplugged again.
func guestFailureUndoes(t *testing.T, v *vm) {
	share := sharedDir(t, "x", "x")
	req := shareRequest(schema.ModifyRequestTypeAdd, "bad", share, "/run/layers/bad")
	req.GuestRequest = withGuest(nil, schema.ModifyResourceTypeMappedDirectory, schema.ModifyRequestTypeAdd,
		protocol.GuestMappedDirectory{MountPath: "/run/layers/bad", ShareName: "nosuchtag"}).GuestRequest
	wantErr(t, "a guest mount of a tag the VM lacks", v.modify(req), hresult.ERROR_NOT_FOUND,
		`$.GuestRequest.Settings.ShareName: the guest has no 9p share "nosuchtag"`)
	if slot := v.sys.findSlot(schema.Plan9Share{AccessName: "bad"}); slot >= 0 {
		t.Errorf("the share is still in slot %d after its guest part failed", slot)
	}
	if out, _ := v.sh(`grep -x bad /sys/bus/virtio/drivers/9pnet_virtio/*/mount_tag; grep -c " /run/layers/bad " /proc/mounts`); out != "0\n" {
		t.Errorf("the guest after the failed request: %q, want no tag, no mount", out)
	}
	wantErr(t, "an unknown guest resource", v.modify(withGuest(nil, "NetworkNamespace", schema.ModifyRequestTypeAdd, struct{}{})),
		hresult.ERROR_NOT_SUPPORTED, `$.GuestRequest.ResourceType: "NetworkNamespace" is not supported by the VM driver`)
}

// guestMappedDisk attaches an ext4 disk read-only at LUN 2 of controller "1" and mounts it.
// The caller's Controller number (hcsshim's index of its controller) is replaced by the
// place of the controller the ResourcePath names.
func guestMappedDisk(t *testing.T, v *vm) {
	img := ext4Disk(t, v.id, "disk.txt", "on the disk\n")
	const path = "VirtualMachine/Devices/Scsi/1/Attachments/2"
	settings, _ := json.Marshal(schema.Attachment{Type: schema.AttachmentTypeVirtualDisk, Path: img, ReadOnly: true})
	add := withGuest(&schema.ModifySettingRequest{ResourcePath: path, RequestType: schema.ModifyRequestTypeAdd, Settings: settings},
		schema.ModifyResourceTypeMappedVirtualDisk, schema.ModifyRequestTypeAdd,
		protocol.GuestMappedVirtualDisk{MountPath: "/run/layers/disk", Controller: 0, Lun: 2, ReadOnly: true})
	if err := v.modify(add); err != nil {
		t.Fatalf("adding a disk mounted by the guest: %v", err)
	}
	out, code := v.sh(`cat /run/layers/disk/disk.txt; touch /run/layers/disk/new 2>/dev/null && echo writable
		grep " /run/layers/disk " /proc/mounts | cut -d" " -f3,4 | cut -d, -f1`)
	if code != 0 || out != "on the disk\next4 ro\n" {
		t.Errorf("the guest over the mapped disk: %q (exit %d)", out, code)
	}
	remove := withGuest(&schema.ModifySettingRequest{ResourcePath: path, RequestType: schema.ModifyRequestTypeRemove},
		schema.ModifyResourceTypeMappedVirtualDisk, schema.ModifyRequestTypeRemove, protocol.GuestMappedVirtualDisk{MountPath: "/run/layers/disk"})
	if err := v.modify(remove); err != nil {
		t.Fatalf("removing the mapped disk: %v", err)
	}
	if out, _ := v.sh(`grep -c " /run/layers/disk " /proc/mounts; ls /sys/bus/scsi/devices/*:0:0:2 2>/dev/null`); out != "0\n" {
		t.Errorf("the guest after the disk was removed: %q, want no mount, no disk", out)
	}
}

// guestCombinedLayers unions the two mapped directories with a scratch in the guest.
func guestCombinedLayers(t *testing.T, v *vm) {
	layers := protocol.GuestCombinedLayers{ContainerRootPath: "/run/c/1/rootfs", ScratchPath: "/run/c/1/scratch",
		Layers: []protocol.GuestLayer{{Path: "/run/layers/d2"}, {Path: "/run/layers/d1"}}}
	if err := v.modify(withGuest(nil, schema.ModifyResourceTypeCombinedLayers, schema.ModifyRequestTypeAdd, layers)); err != nil {
		t.Fatalf("combining layers: %v", err)
	}
	out, code := v.sh(`cd /run/c/1/rootfs && cat hello.txt same.txt && echo new > written && cat /run/c/1/scratch/upper/written`)
	if code != 0 || out != "hello from the host\ntop\nnew\n" {
		t.Errorf("the guest over the combined layers: %q (exit %d)", out, code)
	}
	remove := protocol.GuestCombinedLayers{ContainerRootPath: "/run/c/1/rootfs"}
	if err := v.modify(withGuest(nil, schema.ModifyResourceTypeCombinedLayers, schema.ModifyRequestTypeRemove, remove)); err != nil {
		t.Fatalf("removing the combined layers: %v", err)
	}
	wantErr(t, "removing them again", v.modify(withGuest(nil, schema.ModifyResourceTypeCombinedLayers, schema.ModifyRequestTypeRemove, remove)),
		hresult.ERROR_NOT_FOUND, "$.GuestRequest.Settings.ContainerRootPath: nothing is mounted on /run/c/1/rootfs in the guest")
}

// guestRemoveDirectories removes the shares: the guest part unmounts, the host unplugs.
func guestRemoveDirectories(t *testing.T, v *vm) {
	for _, name := range []string{"lay1", "lay2"} {
		mnt := "/run/layers/d" + name[3:]
		if err := v.modify(shareRequest(schema.ModifyRequestTypeRemove, name, "", mnt)); err != nil {
			t.Fatalf("removing the share %s: %v", name, err)
		}
	}
	if out, _ := v.sh(`grep -c " /run/layers/d" /proc/mounts; grep -x 'lay.' /sys/bus/virtio/drivers/9pnet_virtio/*/mount_tag`); out != "0\n" {
		t.Errorf("the guest after the shares were removed: %q, want no mount, no tag", out)
	}
}
