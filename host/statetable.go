package host

import (
	"github.com/linuxhcs/hcs/hresult"
	"github.com/linuxhcs/hcs/schema"
	"github.com/linuxhcs/hcs/wire"
)

// transition is one row of the lifecycle table: the states an operation may start from and
// the state it leaves the system in when it succeeds.
type transition struct {
	from []schema.State
	to   schema.State
}

// transitions is the compute-system state machine of spec HCS-API.md §11.1. Save's target
// depends on its options (ToFile stops the system, AsTemplate keeps it as a template) and is
// decided by the caller; the table gives the ToFile row.
var transitions = map[wire.SystemOp]transition{
	wire.OpStart:     {from: []schema.State{schema.StateCreated}, to: schema.StateRunning},
	wire.OpPause:     {from: []schema.State{schema.StateRunning}, to: schema.StatePaused},
	wire.OpResume:    {from: []schema.State{schema.StatePaused}, to: schema.StateRunning},
	wire.OpSave:      {from: []schema.State{schema.StatePaused}, to: schema.StateStopped},
	wire.OpShutDown:  {from: []schema.State{schema.StateCreated, schema.StateRunning, schema.StatePaused}, to: schema.StateStopped},
	wire.OpTerminate: {from: []schema.State{schema.StateCreated, schema.StateRunning, schema.StatePaused, schema.StateSavedAsTemplate}, to: schema.StateStopped},
	wire.OpCrash:     {from: []schema.State{schema.StateRunning, schema.StatePaused}, to: schema.StateStopped},
}

// checkTransition returns the error for starting op in state, or nil when allowed. Stopping
// an already stopped system is HCS_E_SYSTEM_ALREADY_STOPPED (hcsshim treats it as success);
// every other disallowed transition is HCS_E_INVALID_STATE.
func checkTransition(id string, op wire.SystemOp, state schema.State) error {
	t, ok := transitions[op]
	if !ok {
		return hresult.Errorf(hresult.E_INVALIDARG, "unknown operation %q", op)
	}
	for _, s := range t.from {
		if s == state {
			return nil
		}
	}
	if state == schema.StateStopped && (op == wire.OpShutDown || op == wire.OpTerminate) {
		return hresult.Errorf(hresult.HCS_E_SYSTEM_ALREADY_STOPPED, "compute system %q is already stopped", id)
	}
	return hresult.Errorf(hresult.HCS_E_INVALID_STATE, "compute system %q: %s is not valid in state %s", id, op, state)
}
