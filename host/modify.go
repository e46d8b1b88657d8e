package host

import (
	"context"

	"github.com/linuxhcs/hcs/hresult"
	"github.com/linuxhcs/hcs/schema"
)

// modify applies a ModifySettingRequest through the driver. The system must be running or
// paused; which resource paths exist is the driver's business.
func (s *system) modify(ctx context.Context, doc string) error {
	req := new(schema.ModifySettingRequest)
	if err := schema.DecodeRequired("ModifySettingRequest", doc, req); err != nil {
		return err
	}
	if st := s.currentState(); st != schema.StateRunning && st != schema.StatePaused {
		return hresult.Errorf(hresult.HCS_E_INVALID_STATE, "compute system %q: cannot modify in state %s", s.id, st)
	}
	return s.wrap(s.ds.Modify(ctx, req))
}
