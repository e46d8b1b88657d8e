package vm

import (
	"context"
	"fmt"
	"os"
	"slices"
	"time"

	"github.com/linuxhcs/hcs/hresult"
	"github.com/linuxhcs/hcs/schema"
)

// modifyShare adds (Add) a 9p share to a running VM, or removes (Remove) one added so,
// named by AccessName or Name. See Plan9HotplugArgs for how.
func (s *System) modifyShare(ctx context.Context, req *schema.ModifySettingRequest) error {
	var share schema.Plan9Share
	if err := schema.DecodeAt("$.Settings", req.Settings, &share); err != nil {
		return err
	}
	switch req.RequestType {
	case schema.ModifyRequestTypeAdd:
		return s.addShare(ctx, share)
	case schema.ModifyRequestTypeRemove:
		return s.removeShare(ctx, share)
	}
	return hresult.Errorf(hresult.ERROR_NOT_SUPPORTED, "$.RequestType: %q of a 9p share", req.RequestType)
}

// addShare points a free slot's link at the share's directory and plugs a virtio-9p device
// with the share's mount tag into the slot's root port. The link is a symbolic link in the
// run directory, never a mount, so removing the run directory cannot reach the share.
func (s *System) addShare(ctx context.Context, share schema.Plan9Share) error {
	const field = "$.Settings"
	if _, err := Plan9Args(0, share, field); err != nil {
		return err
	}
	if fi, err := os.Stat(share.Path); err != nil || !fi.IsDir() {
		return hresult.Errorf(hresult.ERROR_NOT_FOUND, "%s.Path: %s is not a directory", field, share.Path)
	}
	m, err := s.monitorOrErr()
	if err != nil {
		return err
	}
	slot, err := s.claimSlot(share)
	if err != nil {
		return err
	}
	ro := share.Flags&Plan9ReadOnly != 0
	link := Plan9SlotLink(s.plan9Dir(), slot, ro)
	os.Remove(link)
	err = os.Symlink(share.Path, link)
	if err == nil {
		err = m.Execute(ctx, "device_add", map[string]any{"driver": "virtio-9p-pci", "id": plan9Device(slot),
			"bus": plan9Port(slot), "fsdev": plan9Backend(slot, ro), "mount_tag": Plan9Tag(share)}, nil)
	}
	if err != nil {
		os.Remove(link)
		s.releaseSlot(slot)
		return hresult.Wrap(err, hresult.E_FAIL, fmt.Sprintf("VM %s: add the 9p share %q", s.id, Plan9Tag(share)))
	}
	return nil
}

// claimSlot reserves a free hot-plug slot for share, whose mount tag must be new to the VM.
func (s *System) claimSlot(share schema.Plan9Share) (int, error) {
	tag := Plan9Tag(share)
	s.mu.Lock()
	defer s.mu.Unlock()
	taken := slices.ContainsFunc(s.bootShares(), func(b schema.Plan9Share) bool { return Plan9Tag(b) == tag })
	for _, h := range s.hot9p {
		taken = taken || (h != nil && Plan9Tag(*h) == tag)
	}
	if taken {
		return 0, hresult.Errorf(hresult.ERROR_ALREADY_EXISTS, "$.Settings: VM %s already has a 9p share %q", s.id, tag)
	}
	for i, h := range s.hot9p {
		if h == nil {
			s.hot9p[i] = &share
			return i, nil
		}
	}
	return 0, hresult.Errorf(hresult.E_INVALIDARG, "$.Settings: VM %s has %d 9p shares added while it runs, the most it can have; remove one first", s.id, Plan9HotplugSlots)
}

// bootShares are the shares the VM was created with (cfg is not changed once it runs).
func (s *System) bootShares() []schema.Plan9Share {
	if d := s.cfg.Devices; d != nil && d.Plan9 != nil {
		return d.Plan9.Shares
	}
	return nil
}

func (s *System) releaseSlot(slot int) {
	s.mu.Lock()
	s.hot9p[slot] = nil
	s.mu.Unlock()
}

// removeShare unmounts the share in the guest (through the agent, when the VM has one),
// unplugs its device and waits until the guest let it go.
func (s *System) removeShare(ctx context.Context, named schema.Plan9Share) error {
	m, err := s.monitorOrErr()
	if err != nil {
		return err
	}
	slot := s.findSlot(named)
	if slot < 0 {
		if slices.ContainsFunc(s.bootShares(), func(b schema.Plan9Share) bool { return sameShare(b, named) }) {
			return notSupported("$.Settings", "removing a 9p share the VM was created with while it runs")
		}
		return hresult.Errorf(hresult.ERROR_NOT_FOUND, "$.Settings: the VM has no 9p share %q", shareName(named))
	}
	if sess := s.agent.Get(); sess != nil {
		if err := sess.Client().UnmountTag(ctx, Plan9Tag(*s.hotShare(slot))); err != nil {
			return err
		}
	}
	id := plan9Device(slot)
	if err := m.Execute(ctx, "device_del", map[string]any{"id": id}, nil); err != nil {
		return hresult.Wrap(err, hresult.E_FAIL, fmt.Sprintf("VM %s: remove the 9p share %q", s.id, shareName(named)))
	}
	if err := s.waitUnplugged(ctx, id); err != nil {
		return err
	}
	share := s.hotShare(slot)
	os.Remove(Plan9SlotLink(s.plan9Dir(), slot, share.Flags&Plan9ReadOnly != 0))
	s.releaseSlot(slot)
	return nil
}

// findSlot returns the slot of the share a Remove names, or -1.
func (s *System) findSlot(named schema.Plan9Share) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.IndexFunc(s.hot9p[:], func(h *schema.Plan9Share) bool { return h != nil && sameShare(*h, named) })
}

func (s *System) hotShare(slot int) *schema.Plan9Share {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.hot9p[slot]
}

// waitUnplugged waits until QEMU removed the device id, which happens once the guest
// released it.
func (s *System) waitUnplugged(ctx context.Context, id string) error {
	m := s.monitor()
	deadline := time.Now().Add(unplugWait)
	for {
		var typ string
		err := m.Execute(ctx, "qom-get", map[string]any{"path": "/machine/peripheral/" + id, "property": "type"}, &typ)
		if err != nil {
			return nil
		}
		if time.Now().After(deadline) || ctx.Err() != nil {
			return hresult.Errorf(hresult.HCS_E_OPERATION_TIMEOUT, "VM %s: the guest did not release the device %s within %v", s.id, id, unplugWait)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// recoverShares finds, after a service restart, the 9p shares added while the VM ran: a
// plugged device in a slot gives the mount tag, the slot's remaining link the directory
// and whether it is read-only.
func (s *System) recoverShares(ctx context.Context) error {
	m := s.monitor()
	for slot := range Plan9HotplugSlots {
		var tag string
		path := "/machine/peripheral/" + plan9Device(slot)
		if m.Execute(ctx, "qom-get", map[string]any{"path": path, "property": "mount_tag"}, &tag) != nil {
			continue
		}
		share := schema.Plan9Share{Name: tag, AccessName: tag}
		if dir, err := os.Readlink(Plan9SlotLink(s.plan9Dir(), slot, true)); err == nil {
			share.Path, share.Flags = dir, Plan9ReadOnly
		} else {
			share.Path, _ = os.Readlink(Plan9SlotLink(s.plan9Dir(), slot, false))
		}
		s.mu.Lock()
		s.hot9p[slot] = &share
		s.mu.Unlock()
	}
	return nil
}
