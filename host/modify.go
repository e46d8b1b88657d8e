package host

import (
	"context"

	"github.com/linuxhcs/hcs/hresult"
	"github.com/linuxhcs/hcs/schema"
)

// modify applies a ModifySettingRequest through the driver. The system must be created,
// running or paused; which resource paths exist, and which of them can change before the
// system starts, is the driver's business. A modify before Start runs as one of the system's
// lifecycle operations, so a concurrent Start sees the change either wholly or not at all.
func (s *system) modify(ctx context.Context, doc string) error {
	req := new(schema.ModifySettingRequest)
	if err := schema.DecodeRequired("ModifySettingRequest", doc, req); err != nil {
		return err
	}
	st := s.currentState()
	if st == schema.StateCreated {
		s.opMu.Lock()
		defer s.opMu.Unlock()
		st = s.currentState() // a Start may have run meanwhile
	}
	if st != schema.StateCreated && st != schema.StateRunning && st != schema.StatePaused {
		return hresult.Errorf(hresult.HCS_E_INVALID_STATE, "compute system %q: cannot modify in state %s", s.id, st)
	}
	return s.wrap(s.ds.Modify(ctx, req))
}
