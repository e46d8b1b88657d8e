package protocol

// Requests that manage containers inside a VM guest. The agent of the guest runs each
// container's processes in namespaces of their own, over a union of read-only layers and a
// writable scratch directory; see the "Containers in a guest" section of package agent.
const (
	TypeCreateContainer Type = "CreateContainer"
	TypeDeleteContainer Type = "DeleteContainer"
)

// CreateContainerRequest creates a container in the agent's system and starts its init.
// Every path is a path of the agent's file system (in a VM guest, a guest path).
type CreateContainerRequest struct {
	// ID names the container in later requests; it must be unique among the agent's
	// containers and usable as a file name.
	ID string `json:"ID"`
	// Layers are the read-only layer directories, topmost first.
	Layers []string `json:"Layers"`
	// Scratch is a directory holding the writable layer (its "upper" and "work"
	// directories, created when absent).
	Scratch string `json:"Scratch"`
	// Hostname is the container's host name; "" leaves the ID.
	Hostname string `json:"Hostname,omitempty"`
	// MappedDirectories are bind-mounted into the container.
	MappedDirectories []MappedDirectory `json:"MappedDirectories,omitempty"`
}

// MappedDirectory makes a directory of the agent's system visible in a container.
type MappedDirectory struct {
	// HostPath is the directory in the agent's system (a guest path in a VM).
	HostPath string `json:"HostPath"`
	// ContainerPath is where it appears in the container; it is created when absent.
	ContainerPath string `json:"ContainerPath"`
	// ReadOnly refuses writes through the mapping.
	ReadOnly bool `json:"ReadOnly,omitempty"`
}

// DeleteContainerRequest kills every process of a container and removes its mounts.
type DeleteContainerRequest struct {
	ID string `json:"ID"`
}
