package host

import (
	"context"
	"os"
	"path/filepath"
	"time"

	"github.com/linuxhcs/hcs/driver"
	"github.com/linuxhcs/hcs/hresult"
	"github.com/linuxhcs/hcs/schema"
	"github.com/linuxhcs/hcs/wire"
)

// rollbackTimeout bounds the clean-up of a failed create; it runs on its own context so a
// cancelled request can never stop its own clean-up.
const rollbackTimeout = time.Minute

// reserve claims id for a system being created.
func (h *Host) reserve(s *system) error {
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.closed {
		return hresult.New(hresult.HCS_E_SERVICE_NOT_AVAILABLE, "the compute service is shutting down")
	}
	if _, ok := h.systems[s.id]; ok {
		return hresult.Errorf(hresult.HCS_E_SYSTEM_ALREADY_EXISTS, "a compute system with id %q already exists", s.id)
	}
	h.systems[s.id] = s
	return nil
}

// forget removes a system from the registry (once stopped and unreferenced, or when its
// creation failed).
func (h *Host) forget(s *system) {
	h.mu.Lock()
	if h.systems[s.id] == s {
		delete(h.systems, s.id)
	}
	h.mu.Unlock()
	s.mu.Lock()
	s.removed = true
	s.mu.Unlock()
}

// lookup finds a created system by id.
func (h *Host) lookup(id string) (*system, error) {
	if err := wire.ValidateSystemID(id); err != nil {
		return nil, err
	}
	h.mu.Lock()
	s, ok := h.systems[id]
	h.mu.Unlock()
	if !ok || s.isCreating() {
		return nil, hresult.Errorf(hresult.HCS_E_SYSTEM_NOT_FOUND, "compute system %q not found", id)
	}
	return s, nil
}

func (s *system) isCreating() bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.creating
}

// checkHostingSystem checks the system a document asks to be hosted in, if any: it must
// exist (HCS_E_SYSTEM_NOT_FOUND), be a VM (E_INVALIDARG), run (HCS_E_INVALID_STATE) and
// have a guest connection, without which nothing can run in it (ERROR_NOT_SUPPORTED).
func (h *Host) checkHostingSystem(id string) error {
	if id == "" {
		return nil
	}
	host, err := h.lookup(id)
	if err != nil {
		return hresult.Wrap(err, 0, "$.HostingSystemId")
	}
	vm := host.cfg.VirtualMachine
	switch state := host.currentState(); {
	case vm == nil:
		return hresult.Errorf(hresult.E_INVALIDARG, "$.HostingSystemId: compute system %q is not a virtual machine", id)
	case state != schema.StateRunning:
		return hresult.Errorf(hresult.HCS_E_INVALID_STATE, "$.HostingSystemId: virtual machine %q is %s, not running", id, state)
	case vm.GuestConnection == nil:
		return hresult.Errorf(hresult.ERROR_NOT_SUPPORTED, "$.HostingSystemId: virtual machine %q has no GuestConnection to run a system in", id)
	}
	return nil
}

// driverFor picks the back-end for a document.
func (h *Host) driverFor(cfg *schema.ComputeSystem) (driver.Driver, error) {
	var d driver.Driver
	kind := "Container"
	switch {
	case cfg.HostedSystem != nil:
		return nil, hresult.New(hresult.ERROR_NOT_SUPPORTED, "$.HostedSystem: hosted containers inside a utility VM are not supported")
	case cfg.HostingSystemId != "":
		// Running the system on the host instead would silently drop the VM boundary the
		// caller asked for.
		return nil, hresult.New(hresult.ERROR_NOT_SUPPORTED, "$.HostingSystemId: systems hosted inside a utility VM are not supported")
	case cfg.VirtualMachine != nil:
		d, kind = h.opts.VirtualMachine, "VirtualMachine"
	default:
		d = h.opts.Container
	}
	if d == nil {
		return nil, hresult.Errorf(hresult.HCS_E_SERVICE_NOT_AVAILABLE, "$.%s: no %s driver is configured in this service", kind, kind)
	}
	return d, nil
}

// create makes a system and its first handle, named ref, for session sess.
func (h *Host) create(ctx context.Context, sess *Session, ref wire.Ref, id, config string) error {
	if err := wire.ValidateSystemID(id); err != nil {
		return err
	}
	cfg := new(schema.ComputeSystem)
	if err := schema.DecodeRequired("ComputeSystem", config, cfg); err != nil {
		return err
	}
	if err := h.checkHostingSystem(cfg.HostingSystemId); err != nil {
		return err
	}
	drv, err := h.driverFor(cfg)
	if err != nil {
		return err
	}
	s := newSystem(h, id, cfg)
	s.rawConfig, s.driverName = []byte(config), drv.Name()
	if err := h.reserve(s); err != nil {
		return err
	}
	if err := s.createDriver(ctx, drv); err != nil {
		h.forget(s)
		return err
	}
	s.mu.Lock()
	s.creating = false
	s.mu.Unlock()
	k, err := sess.addSystem(ref, s)
	if err == nil {
		err = s.persist()
	}
	if err != nil {
		s.rollback()
		h.forget(s)
		return err
	}
	stepCreateDone.Reach()
	s.addHandle(k)
	return nil
}

// createDriver prepares the state directory and asks the driver to create the system,
// removing the directory again on failure.
func (s *system) createDriver(ctx context.Context, drv driver.Driver) error {
	s.stateDir = filepath.Join(s.h.opts.StateDir, "systems", s.id)
	if err := os.Mkdir(s.stateDir, 0o700); err != nil {
		return hresult.Wrap(withoutStatePath(err), hresult.E_FAIL, `compute system "`+s.id+`": creating its state directory`)
	}
	stepCreateDirMade.Reach()
	// The record says Creating before the driver does anything, so a crash during Create is
	// rolled back on restart.
	if err := s.persist(); err != nil {
		os.RemoveAll(s.stateDir)
		return err
	}
	stepCreateRecorded.Reach()
	ds, err := drv.Create(ctx, driver.CreateRequest{ID: s.id, Config: s.cfg, StateDir: s.stateDir, Notify: &notifier{s}})
	if err != nil {
		os.RemoveAll(s.stateDir)
		return hresult.Wrap(err, 0, `compute system "`+s.id+`"`)
	}
	stepCreateDriverDone.Reach()
	s.ds = ds
	return nil
}

// rollback undoes a successful driver.Create whose handle could not be issued.
func (s *system) rollback() {
	ctx, cancel := context.WithTimeout(context.Background(), rollbackTimeout)
	defer cancel()
	s.closeDriver(ctx)
}

// open gives session a new handle, named ref, to an existing system.
func (h *Host) open(sess *Session, ref wire.Ref, id string) error {
	s, err := h.lookup(id)
	if err != nil {
		return err
	}
	k, err := sess.addSystem(ref, s)
	if err != nil {
		return err
	}
	s.addHandle(k)
	return nil
}
