package host

import (
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"time"

	"github.com/linuxhcs/hcs/hresult"
	"github.com/linuxhcs/hcs/internal/durable"
	"github.com/linuxhcs/hcs/schema"
)

// recordFile is the name of a system's record in its state directory.
const recordFile = "system.json"

// record is what the host persists about one system, rewritten atomically at every state
// change. It is the source of truth after a restart: a system whose record says Creating was
// half created and is rolled back; one that was live is reattached.
type record struct {
	ID        string          `json:"Id"`
	Config    json.RawMessage `json:"Config"`
	RuntimeID string          `json:"RuntimeId"`
	Driver    string          `json:"Driver"`
	Creating  bool            `json:"Creating,omitempty"`
	State     schema.State    `json:"State"`
	Created   time.Time       `json:"Created"`
	Started   time.Time       `json:"Started,omitzero"`
}

// persist writes the system's record. Failing to persist fails the operation that changed
// the state: a client must not be told of a change that a restart would forget.
func (s *system) persist() error {
	s.mu.Lock()
	r := record{
		ID: s.id, Config: s.rawConfig, RuntimeID: s.runtimeID, Driver: s.driverName,
		Creating: s.creating, State: s.state, Created: s.created, Started: s.startedAt,
	}
	dir := s.stateDir
	s.mu.Unlock()
	if dir == "" || r.State == schema.StateStopped {
		return nil
	}
	err := durable.WriteJSON(filepath.Join(dir, recordFile), r, 0o600)
	return hresult.Wrap(withoutStatePath(err), hresult.E_FAIL, fmt.Sprintf("compute system %q: saving its record", s.id))
}

// withoutStatePath drops the path a failed file operation names, keeping the operation and
// the cause: the path is in the service's state directory, and messages name what the caller
// gave (the system), never the service's own files.
func withoutStatePath(err error) error {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return fmt.Errorf("%s: %w", pe.Op, pe.Err)
	}
	return err
}

// readRecord reads a system's record from its state directory.
func readRecord(dir string) (record, error) {
	var r record
	b, err := os.ReadFile(filepath.Join(dir, recordFile))
	if err != nil {
		return r, err
	}
	err = json.Unmarshal(b, &r)
	return r, err
}
