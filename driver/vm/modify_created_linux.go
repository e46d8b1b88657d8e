package vm

import (
	"encoding/json"
	"slices"
	"strings"

	"github.com/linuxhcs/hcs/hresult"
	"github.com/linuxhcs/hcs/schema"
)

// Resource paths a VM can change before it starts. (Once it runs, QEMU can hot-add disks
// only; see Modify.)
const (
	plan9SharesPath = "VirtualMachine/Devices/Plan9/Shares"
	memorySizePath  = "VirtualMachine/ComputeTopology/Memory/SizeInMB"
)

// scsiAttachmentPath reports whether parts is VirtualMachine/Devices/Scsi/<ctrl>/Attachments/<lun>.
func scsiAttachmentPath(parts []string) bool {
	return len(parts) == 6 && parts[0] == "VirtualMachine" && parts[1] == "Devices" && parts[2] == "Scsi" && parts[4] == "Attachments"
}

// modifyBeforeStart changes the configuration of a VM that has not started, so the change
// is part of the VM when it boots: SCSI attachments, 9p shares and the memory size. The
// command line is rebuilt from the changed configuration, which validates it as creation
// does, and the configuration is persisted so that a service restart before Start keeps
// it. The host runs this and Start one at a time.
func (s *System) modifyBeforeStart(req *schema.ModifySettingRequest) error {
	cfg, err := copyConfig(s.config())
	if err != nil {
		return err
	}
	if err := applyBeforeStart(cfg, req); err != nil {
		return err
	}
	c := s.commandConfig()
	c.VM = cfg
	cmd, err := BuildCommand(c)
	if err != nil {
		return err
	}
	if err := s.checkBootFiles(cmd); err != nil {
		return err
	}
	s.mu.Lock()
	s.cfg, s.cmd, s.modified = cfg, cmd, true
	s.scsi = ScsiControllerIDs(cfg.Devices)
	s.mu.Unlock()
	return s.saveState()
}

// config returns the VM's configuration; a modify before Start replaces it.
func (s *System) config() *schema.VirtualMachine {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.cfg
}

// copyConfig returns a deep copy of cfg, to change without touching the original.
func copyConfig(cfg *schema.VirtualMachine) (*schema.VirtualMachine, error) {
	b, err := json.Marshal(cfg)
	if err != nil {
		return nil, hresult.Wrap(err, hresult.E_FAIL, "copying the VM configuration")
	}
	out := new(schema.VirtualMachine)
	return out, hresult.Wrap(json.Unmarshal(b, out), hresult.E_FAIL, "copying the VM configuration")
}

// applyBeforeStart changes cfg as req asks.
func applyBeforeStart(cfg *schema.VirtualMachine, req *schema.ModifySettingRequest) error {
	parts := strings.Split(req.ResourcePath, "/")
	switch {
	case scsiAttachmentPath(parts):
		return setAttachment(cfg, parts[3], parts[5], req)
	case req.ResourcePath == plan9SharesPath:
		return setPlan9Share(cfg, req)
	case req.ResourcePath == memorySizePath:
		return setMemorySize(cfg, req)
	}
	return hresult.Errorf(hresult.ERROR_NOT_SUPPORTED, "$.ResourcePath: %q is not supported by the VM driver", req.ResourcePath)
}

// setAttachment adds (Add) or removes (Remove) the attachment at lun of controller key.
func setAttachment(cfg *schema.VirtualMachine, key, lun string, req *schema.ModifySettingRequest) error {
	var ctrl schema.Scsi
	ok := cfg.Devices != nil
	if ok {
		ctrl, ok = cfg.Devices.Scsi[key]
	}
	if !ok {
		return hresult.Errorf(hresult.E_INVALIDARG, "$.ResourcePath: the VM has no SCSI controller %q", key)
	}
	_, taken := ctrl.Attachments[lun]
	switch req.RequestType {
	case schema.ModifyRequestTypeAdd:
		var a schema.Attachment
		if err := schema.DecodeAt("$.Settings", req.Settings, &a); err != nil {
			return err
		}
		if taken {
			return hresult.Errorf(hresult.E_INVALIDARG, "$.ResourcePath: LUN %s of SCSI controller %q is already attached", lun, key)
		}
		if ctrl.Attachments == nil {
			ctrl.Attachments = map[string]schema.Attachment{}
		}
		ctrl.Attachments[lun] = a
	case schema.ModifyRequestTypeRemove:
		if !taken {
			return hresult.Errorf(hresult.ERROR_NOT_FOUND, "$.ResourcePath: nothing is attached at LUN %s of SCSI controller %q", lun, key)
		}
		delete(ctrl.Attachments, lun)
	default:
		return hresult.Errorf(hresult.ERROR_NOT_SUPPORTED, "$.RequestType: %q of a SCSI attachment", req.RequestType)
	}
	cfg.Devices.Scsi[key] = ctrl
	return nil
}

// setPlan9Share adds (Add) a 9p share, or removes (Remove) the one with the same Name or
// AccessName.
func setPlan9Share(cfg *schema.VirtualMachine, req *schema.ModifySettingRequest) error {
	var share schema.Plan9Share
	if err := schema.DecodeAt("$.Settings", req.Settings, &share); err != nil {
		return err
	}
	if cfg.Devices == nil {
		cfg.Devices = &schema.Devices{}
	}
	if cfg.Devices.Plan9 == nil {
		cfg.Devices.Plan9 = &schema.Plan9{}
	}
	p := cfg.Devices.Plan9
	switch req.RequestType {
	case schema.ModifyRequestTypeAdd:
		p.Shares = append(p.Shares, share)
	case schema.ModifyRequestTypeRemove:
		i := slices.IndexFunc(p.Shares, func(s schema.Plan9Share) bool { return sameShare(s, share) })
		if i < 0 {
			return hresult.Errorf(hresult.ERROR_NOT_FOUND, "$.Settings: the VM has no 9p share %q", shareName(share))
		}
		p.Shares = slices.Delete(p.Shares, i, i+1)
	default:
		return hresult.Errorf(hresult.ERROR_NOT_SUPPORTED, "$.RequestType: %q of a 9p share", req.RequestType)
	}
	return nil
}

// sameShare reports whether s is the share a Remove names: by AccessName (what hcsshim
// sends), else by Name.
func sameShare(s, named schema.Plan9Share) bool {
	if named.AccessName != "" {
		return s.AccessName == named.AccessName
	}
	return named.Name != "" && s.Name == named.Name
}

func shareName(s schema.Plan9Share) string {
	if s.AccessName != "" {
		return s.AccessName
	}
	return s.Name
}

// setMemorySize sets the memory the VM boots with, in MB.
func setMemorySize(cfg *schema.VirtualMachine, req *schema.ModifySettingRequest) error {
	var mb uint64
	if err := json.Unmarshal(req.Settings, &mb); err != nil || mb == 0 {
		return hresult.Errorf(hresult.E_INVALIDARG, "$.Settings: the new memory size in MB, a positive integer (got %s)", req.Settings)
	}
	if cfg.ComputeTopology == nil {
		cfg.ComputeTopology = &schema.Topology{}
	}
	if cfg.ComputeTopology.Memory == nil {
		cfg.ComputeTopology.Memory = &schema.VirtualMachineMemory{}
	}
	cfg.ComputeTopology.Memory.SizeInMB = mb
	return nil
}
