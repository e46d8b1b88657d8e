package container

import (
	"path/filepath"

	"github.com/linuxhcs/hcs/driver"
	"github.com/linuxhcs/hcs/hresult"
	"github.com/linuxhcs/hcs/internal/durable"
)

// persisted is what the driver keeps in a system's state directory to reattach to the
// container after the service restarts, or to undo what it did. It is written before each
// step that must be undoable (intent first), atomically.
type persisted struct {
	RuntimeID string `json:"RuntimeID"`
	// Runtime names the OCI runtime the container runs under ("runc" or "crun").
	Runtime string `json:"Runtime"`
	Rootfs  string `json:"Rootfs,omitempty"`
	// Attached is true when the driver mounts (or is about to mount) the union itself and
	// must detach it; false when the caller attached it.
	Attached bool `json:"Attached,omitempty"`
	Scratch  bool `json:"Scratch,omitempty"`
	// Pid and PidStart identify the container's init (PidStart is its start time in clock
	// ticks, so a reused pid is not mistaken for it).
	Pid      int    `json:"Pid,omitempty"`
	PidStart uint64 `json:"PidStart,omitempty"`
	// Mapped lists directories mapped at run time (their container paths).
	Mapped []string `json:"Mapped,omitempty"`
}

const stateFile = "driver.json"

func (s *System) snapshot() persisted {
	s.mu.Lock()
	defer s.mu.Unlock()
	return persisted{RuntimeID: s.rid, Runtime: s.rt.Name, Rootfs: s.rootfs, Attached: s.attached, Scratch: s.scratch,
		Pid: s.pid, PidStart: s.pidStart, Mapped: append([]string(nil), s.mapped...)}
}

// saveState writes the system's persisted state.
func (s *System) saveState() error {
	return writeStateFile(s.dir, s.snapshot())
}

func writeStateFile(dir string, p persisted) error {
	err := durable.WriteJSON(filepath.Join(dir, stateFile), p, 0o600)
	return hresult.Wrap(err, hresult.E_FAIL, "writing container state")
}

// readStateFile reads what a system persisted; a missing file gives ok false.
func readStateFile(dir string) (persisted, bool, error) {
	var p persisted
	ok, err := driver.ReadState(dir, stateFile, &p)
	return p, ok, err
}
