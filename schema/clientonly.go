package schema

// The types below are referenced by client-only fields of the catalog and described in
// spec §11 (shapes taken from Microsoft's clients; semantics beyond the names unconfirmed).

// FirmwareFile is a pre-release firmware blob for Chipset.FirmwareFile.
type FirmwareFile struct {
	// Parameters is the firmware parameter blob (base64 in JSON).
	Parameters []byte `json:"Parameters,omitempty"`
}

// SecuritySettings configures TPM and isolation of a confidential VM.
type SecuritySettings struct {
	// EnableTpm exposes a virtual TPM.
	EnableTpm bool `json:"EnableTpm,omitempty"`
	// Isolation selects the isolation technology.
	Isolation *IsolationSettings `json:"Isolation,omitempty"`
}

// IsolationSettings describes how a VM is isolated from the host.
type IsolationSettings struct {
	// IsolationType names the isolation technology.
	IsolationType string `json:"IsolationType,omitempty"`
	// DebugHost is the debugger host address.
	DebugHost string `json:"DebugHost,omitempty"`
	// DebugPort is the debugger port.
	DebugPort int64 `json:"DebugPort,omitempty"`
	// LaunchData is opaque launch data.
	LaunchData string `json:"LaunchData,omitempty"`
	// HclEnabled enables the host compatibility layer.
	HclEnabled bool `json:"HclEnabled,omitempty"`
}

// DebugOptions names the files saved-state captures are written to on guest failures.
type DebugOptions struct {
	// BugcheckSavedStateFileName receives a saved state on bugcheck.
	BugcheckSavedStateFileName string `json:"BugcheckSavedStateFileName,omitempty"`
	// BugcheckNoCrashdumpSavedStateFileName receives a saved state on bugcheck without dump.
	BugcheckNoCrashdumpSavedStateFileName string `json:"BugcheckNoCrashdumpSavedStateFileName,omitempty"`
	// TripleFaultSavedStateFileName receives a saved state on triple fault.
	TripleFaultSavedStateFileName string `json:"TripleFaultSavedStateFileName,omitempty"`
	// FirmwareDumpFileName receives a firmware dump.
	FirmwareDumpFileName string `json:"FirmwareDumpFileName,omitempty"`
}

// Numa is a virtual NUMA topology.
type Numa struct {
	// VirtualNodeCount is the number of virtual NUMA nodes.
	VirtualNodeCount uint8 `json:"VirtualNodeCount,omitempty"`
	// PreferredPhysicalNodes lists host nodes to place the VM on.
	PreferredPhysicalNodes []int64 `json:"PreferredPhysicalNodes,omitempty"`
	// Settings describes each virtual node.
	Settings []NumaSetting `json:"Settings,omitempty"`
	// MaxSizePerNode caps the memory of one node.
	MaxSizePerNode uint64 `json:"MaxSizePerNode,omitempty"`
}

// NumaSetting describes one virtual NUMA node.
type NumaSetting struct {
	// VirtualNodeNumber is the guest node number.
	VirtualNodeNumber uint32 `json:"VirtualNodeNumber,omitempty"`
	// PhysicalNodeNumber is the host node backing it.
	PhysicalNodeNumber uint32 `json:"PhysicalNodeNumber,omitempty"`
	// VirtualSocketNumber is the guest socket number.
	VirtualSocketNumber uint32 `json:"VirtualSocketNumber,omitempty"`
	// CountOfProcessors is the number of processors of the node.
	CountOfProcessors uint32 `json:"CountOfProcessors,omitempty"`
	// CountOfMemoryBlocks is the number of memory blocks of the node.
	CountOfMemoryBlocks uint64 `json:"CountOfMemoryBlocks,omitempty"`
	// MemoryBackingType is "Physical", "Virtual" or "Hybrid".
	MemoryBackingType string `json:"MemoryBackingType,omitempty" hcsenum:"Physical,Virtual,Hybrid"`
}

// NumaProcessors describes the processor layout of virtual NUMA nodes (note the
// lower-case JSON names).
type NumaProcessors struct {
	// CountPerNode bounds the processors per node.
	CountPerNode *NumaProcessorsCount `json:"count_per_node,omitempty"`
	// NodePerSocket is the number of nodes per socket.
	NodePerSocket uint32 `json:"node_per_socket,omitempty"`
}

// NumaProcessorsCount is the count_per_node member of NumaProcessors.
type NumaProcessorsCount struct {
	// Max is the largest number of processors per node.
	Max uint32 `json:"max,omitempty"`
}
