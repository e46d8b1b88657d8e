package protocol

import "encoding/json"

// TypeGuestModify carries a GuestModifySettingRequest of the HCS schema to a VM guest's
// agent, unchanged but for SCSI controller numbers (see GuestMappedVirtualDisk). One
// message for every resource type keeps the protocol as open as the schema's request:
// a new type needs a new Settings shape, not a new message.
const TypeGuestModify Type = "GuestModify"

// Guest resource types the agent handles.
const (
	GuestMappedDirectoryType   = "MappedDirectory"
	GuestMappedVirtualDiskType = "MappedVirtualDisk"
	GuestCombinedLayersType    = "CombinedLayers"
)

// GuestModifyRequest changes a resource of the guest; RequestType is "Add" or "Remove".
// Settings is decoded by ResourceType; an unknown type is refused with ERROR_NOT_SUPPORTED.
type GuestModifyRequest struct {
	ResourceType string          `json:"ResourceType"`
	RequestType  string          `json:"RequestType"`
	Settings     json.RawMessage `json:"Settings,omitempty"`
}

// GuestMappedDirectory mounts the 9p share whose mount tag is ShareName at MountPath
// (created when absent). Port is accepted for compatibility and ignored: virtio-9p has
// no ports. Remove needs MountPath only.
type GuestMappedDirectory struct {
	MountPath string `json:"MountPath"`
	ShareName string `json:"ShareName,omitempty"`
	Port      uint32 `json:"Port,omitempty"`
	ReadOnly  bool   `json:"ReadOnly,omitempty"`
}

// GuestMappedVirtualDisk mounts the ext4 file system of a SCSI disk at MountPath. The host
// sets Controller to the index of the disk's virtio-scsi controller among the VM's
// controllers (in the order the VM was given them), and Lun to the disk's LUN. Partition
// 0 is the whole disk; others are refused. Remove needs MountPath only.
type GuestMappedVirtualDisk struct {
	MountPath  string `json:"MountPath"`
	Controller uint8  `json:"Controller"`
	Lun        uint8  `json:"Lun"`
	Partition  uint64 `json:"Partition,omitempty"`
	ReadOnly   bool   `json:"ReadOnly,omitempty"`
}

// GuestLayer is one read-only layer of GuestCombinedLayers.
type GuestLayer struct {
	Path string `json:"Path"`
}

// GuestCombinedLayers mounts the overlay of Layers (topmost first) with ScratchPath/upper
// and ScratchPath/work (created when absent) at ContainerRootPath (created when absent).
// Remove needs ContainerRootPath only.
type GuestCombinedLayers struct {
	ContainerRootPath string       `json:"ContainerRootPath"`
	Layers            []GuestLayer `json:"Layers,omitempty"`
	ScratchPath       string       `json:"ScratchPath,omitempty"`
}
