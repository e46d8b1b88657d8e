package vm

import (
	"path/filepath"

	"github.com/linuxhcs/hcs/driver"
	"github.com/linuxhcs/hcs/hresult"
	"github.com/linuxhcs/hcs/internal/durable"
	"github.com/linuxhcs/hcs/schema"
)

// persisted is what the driver keeps in a system's state directory, written before each
// step it must be able to undo, so that Cleanup finds what a crashed service left.
type persisted struct {
	RunID string `json:"RunID"`
	// Pid and PidStart identify QEMU (PidStart is its start time in clock ticks, so that a
	// reused pid is not mistaken for it).
	Pid      int    `json:"Pid,omitempty"`
	PidStart uint64 `json:"PidStart,omitempty"`
	// Config is the VM's configuration when it was modified before Start; the service's
	// copy is the one it was created with.
	Config *schema.VirtualMachine `json:"Config,omitempty"`
}

const stateFile = "vm.json"

// saveState writes the persisted state atomically.
func (s *System) saveState() error {
	p := persisted{RunID: s.rid}
	s.mu.Lock()
	if s.qemu != nil {
		p.Pid, p.PidStart = s.qemu.pid, s.qemu.start
	}
	if s.modified {
		p.Config = s.cfg
	}
	s.mu.Unlock()
	err := durable.WriteJSON(filepath.Join(s.dir, stateFile), p, 0o600)
	return hresult.Wrap(err, hresult.E_FAIL, "writing VM state")
}

// readState reads what a system persisted; a missing file gives ok false.
func readState(dir string) (persisted, bool, error) {
	var p persisted
	ok, err := driver.ReadState(dir, stateFile, &p)
	return p, ok, err
}
