// Package fakedriver is a driver.Driver test double for unit tests of the host core.
//
// It runs processes directly on the host, as the calling user, without any isolation: no
// namespaces, no cgroups, no root filesystem. It must never be wired into hcsd or any other
// binary; it exists so that the core's state machine, events and clean-up can be tested
// quickly and deterministically, and it passes the driver/drivertest conformance suite like
// the real back-ends do.
//
// A system accepts any ComputeSystem with a Container section. Start only marks it running;
// CreateProcess starts a host process in its own process group (or session, with a
// console); Pause and Resume stop and continue those groups; Shutdown, Terminate and Crash
// signal them, wait for them and report the exit. Options on New inject faults, and
// System.Die makes a system stop by itself.
package fakedriver

import (
	"context"
	"slices"
	"strings"
	"sync"

	"github.com/linuxhcs/hcs/driver"
	"github.com/linuxhcs/hcs/hresult"
)

// Name is the driver's name.
const Name = "fake"

// Driver is the fake back-end. Create it with New.
type Driver struct {
	opts options

	mu      sync.Mutex
	systems map[string]*System // by id; the latest system created with that id
}

var _ driver.Driver = (*Driver)(nil)

// New returns a Driver configured by opts.
func New(opts ...Option) *Driver {
	return &Driver{opts: newOptions(opts), systems: make(map[string]*System)}
}

// Name implements driver.Driver.
func (d *Driver) Name() string { return Name }

// Create implements driver.Driver. It rejects configurations with neither a Container nor
// a VirtualMachine section with E_INVALIDARG; a fake VM is a fake container by another name.
func (d *Driver) Create(ctx context.Context, req driver.CreateRequest) (driver.System, error) {
	if err := d.opts.run(ctx, OpCreate, req.ID); err != nil {
		return nil, err
	}
	if req.Config == nil || (req.Config.Container == nil && req.Config.VirtualMachine == nil) {
		return nil, hresult.Errorf(hresult.E_INVALIDARG, "fakedriver: system %q: $.Container or $.VirtualMachine: required", req.ID)
	}
	if req.Notify == nil {
		return nil, hresult.Errorf(hresult.E_INVALIDARG, "fakedriver: system %q: no notifier", req.ID)
	}
	s := newSystem(req, &d.opts)
	d.mu.Lock()
	d.systems[req.ID] = s
	d.mu.Unlock()
	return s, nil
}

// System returns the latest system created with id, or nil. Tests use it to inspect a
// system or to make it die.
func (d *Driver) System(id string) *System {
	d.mu.Lock()
	defer d.mu.Unlock()
	return d.systems[id]
}

// Systems returns every system created so far (the latest one per id), sorted by id.
func (d *Driver) Systems() []*System {
	d.mu.Lock()
	defer d.mu.Unlock()
	out := make([]*System, 0, len(d.systems))
	for _, s := range d.systems {
		out = append(out, s)
	}
	slices.SortFunc(out, func(a, b *System) int { return strings.Compare(a.id, b.id) })
	return out
}
