package vm

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/linuxhcs/hcs/hresult"
	"github.com/linuxhcs/hcs/schema"
)

// unplugWait bounds the wait for the guest to release a removed disk.
const unplugWait = 10 * time.Second

// Modify hot-adds and removes SCSI disks on the VM's existing controllers and 9p shares
// (see modifyShare), and changes the memory size (see modifyMemory). A GuestRequest goes
// to the guest agent, with the host part or alone (see modifyWithGuest). Before the VM
// starts, disks, 9p shares and the memory size change the VM it boots (see
// modifyBeforeStart); the guest cannot take requests then.
func (s *System) Modify(ctx context.Context, req *schema.ModifySettingRequest) error {
	g, err := guestPart(req)
	if err != nil {
		return err
	}
	if !s.launched() {
		if g != nil {
			return hresult.Errorf(hresult.HCS_E_INVALID_STATE, "$.GuestRequest: VM %s is not running: its guest cannot take requests", s.id)
		}
		return s.modifyBeforeStart(req)
	}
	if g != nil {
		return s.modifyWithGuest(ctx, req, g)
	}
	return s.modifyHost(ctx, req)
}

// modifyHost applies the host part of a request to a running VM.
func (s *System) modifyHost(ctx context.Context, req *schema.ModifySettingRequest) error {
	parts := strings.Split(req.ResourcePath, "/")
	switch {
	case scsiAttachmentPath(parts):
		return s.modifyDisk(ctx, req, parts[3], parts[5])
	case req.ResourcePath == plan9SharesPath:
		return s.modifyShare(ctx, req)
	case req.ResourcePath == memorySizePath:
		return s.modifyMemory(ctx, req.Settings)
	}
	return hresult.Errorf(hresult.ERROR_NOT_SUPPORTED, "$.ResourcePath: %q is not supported by the VM driver", req.ResourcePath)
}

// modifyDisk adds or removes the attachment at lun of controller key.
func (s *System) modifyDisk(ctx context.Context, req *schema.ModifySettingRequest, key, lun string) error {
	ctrl, ok := s.scsi[key]
	if !ok {
		return hresult.Errorf(hresult.E_INVALIDARG, "$.ResourcePath: the VM has no SCSI controller %q", key)
	}
	switch req.RequestType {
	case schema.ModifyRequestTypeAdd:
		var a schema.Attachment
		if err := schema.DecodeAt("$.Settings", req.Settings, &a); err != nil {
			return err
		}
		return s.addDisk(ctx, ctrl, lun, a)
	case schema.ModifyRequestTypeRemove:
		return s.removeDisk(ctx, ctrl, lun)
	}
	return hresult.Errorf(hresult.ERROR_NOT_SUPPORTED, "$.RequestType: %q of a SCSI attachment", req.RequestType)
}

// addDisk opens the disk's block nodes in QEMU and plugs the disk into the controller; the
// guest's virtio-scsi driver sees it appear. The driver opens the file with the VM's rights
// and passes it (see passDisk), so a granted disk in a private directory can be added too.
func (s *System) addDisk(ctx context.Context, ctrl, lun string, a schema.Attachment) error {
	m, err := s.monitorOrErr()
	if err != nil {
		return err
	}
	const field = "$.Settings"
	d, err := DiskFor(ctrl, lun, a, field)
	if err != nil {
		return err
	}
	file := d.Blockdevs[0]
	if file["filename"], err = s.passDisk(ctx, m, ctrl, lun, a.Path, field+".Path", file["read-only"].(bool)); err != nil {
		return err
	}
	var added []string
	for _, bd := range d.Blockdevs {
		if err := m.Execute(ctx, "blockdev-add", bd, nil); err != nil {
			s.delNodes(ctx, added)
			s.dropFdset(ctx, m, diskFdset(ctrl, lun))
			return hresult.Wrap(err, hresult.E_FAIL, "add disk "+a.Path)
		}
		added = append([]string{bd["node-name"].(string)}, added...)
	}
	dev := map[string]any{}
	for _, kv := range d.Device {
		if n, err := strconv.Atoi(kv[1]); err == nil && kv[0] != "id" && kv[0] != "drive" {
			dev[kv[0]] = n // QMP wants numbers for integer properties
		} else {
			dev[kv[0]] = kv[1]
		}
	}
	if err := m.Execute(ctx, "device_add", dev, nil); err != nil {
		s.delNodes(ctx, added)
		s.dropFdset(ctx, m, diskFdset(ctrl, lun))
		return hresult.Wrap(err, hresult.E_FAIL, "add disk "+a.Path)
	}
	s.mu.Lock()
	s.disks[ctrl+"/"+lun] = true
	s.mu.Unlock()
	return nil
}

// removeDisk unplugs the disk and closes its block nodes once the guest released it.
func (s *System) removeDisk(ctx context.Context, ctrl, lun string) error {
	m, err := s.monitorOrErr()
	if err != nil {
		return err
	}
	node := "disk-" + ctrl + "-" + lun
	if err := m.Execute(ctx, "device_del", map[string]any{"id": node}, nil); err != nil {
		return hresult.Wrap(err, hresult.ERROR_NOT_FOUND, fmt.Sprintf("remove the disk at %s LUN %s", ctrl, lun))
	}
	deadline := time.Now().Add(unplugWait)
	for {
		err := m.Execute(ctx, "blockdev-del", map[string]any{"node-name": node}, nil)
		if err == nil {
			break
		}
		if time.Now().After(deadline) || ctx.Err() != nil {
			return hresult.Wrap(err, hresult.E_FAIL, "remove disk")
		}
		time.Sleep(50 * time.Millisecond)
	}
	s.delNodes(ctx, []string{node + "-file"})
	s.dropFdset(ctx, m, diskFdset(ctrl, lun))
	s.mu.Lock()
	delete(s.disks, ctrl+"/"+lun)
	s.mu.Unlock()
	return nil
}

// delNodes closes block nodes, best effort.
func (s *System) delNodes(ctx context.Context, nodes []string) {
	m := s.monitor()
	for _, n := range nodes {
		if m != nil {
			m.Execute(ctx, "blockdev-del", map[string]any{"node-name": n}, nil)
		}
	}
}
