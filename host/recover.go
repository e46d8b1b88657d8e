package host

import (
	"context"
	"errors"
	"os"
	"path/filepath"

	"github.com/linuxhcs/hcs/driver"
	"github.com/linuxhcs/hcs/schema"
)

// Recover rebuilds the registry after the service restarted, from the records in the state
// directory: live systems are reattached through their driver (processes included, and
// exits that happened meanwhile are kept for whoever opens those processes); half-created
// systems, and systems that ended while the service was down, are rolled back so they leave
// no mounts, cgroups or runtime state. Systems created with ShouldTerminateOnLastHandleClosed
// are terminated when no client opens them again within Options.ReattachGrace. Call it once,
// before serving clients. It returns the ids it reattached.
//
// Recover never waits on a guest: what a driver must ask a guest (driver.Recovered.Reattach)
// runs in the background, until it is done or the host closes, so that a frozen
// or hung guest cannot keep the service from serving. Meanwhile the system is listed with
// its recorded state; calls that need the guest wait for the reattach within the caller's
// context (and fail as that context does), and a system whose guest cannot be reached is
// terminated.
func (h *Host) Recover(ctx context.Context) ([]string, error) {
	root := filepath.Join(h.opts.StateDir, "systems")
	entries, err := os.ReadDir(root)
	if err != nil {
		return nil, err
	}
	var live []string
	for _, e := range entries {
		if !e.IsDir() {
			continue
		}
		dir := filepath.Join(root, e.Name())
		if id, ok := h.recoverOne(ctx, dir); ok {
			live = append(live, id)
		}
	}
	return live, nil
}

// recoverOne handles one state directory and reports whether a system was reattached.
func (h *Host) recoverOne(ctx context.Context, dir string) (string, bool) {
	r, err := readRecord(dir)
	if err != nil {
		h.log.Warn("removing a state directory without a readable record", "dir", dir, "err", err)
		os.RemoveAll(dir)
		return "", false
	}
	cfg := new(schema.ComputeSystem)
	if err := schema.DecodeRequired("ComputeSystem", string(r.Config), cfg); err != nil {
		h.log.Warn("removing a system whose recorded configuration is invalid", "id", r.ID, "err", err)
		os.RemoveAll(dir)
		return "", false
	}
	drv, err := h.driverFor(cfg)
	rec, ok := drv.(driver.Recoverer)
	if err != nil || !ok {
		h.log.Warn("no driver can recover this system; its state is kept", "id", r.ID, "driver", r.Driver)
		return "", false
	}
	s := newSystem(h, r.ID, cfg)
	s.rawConfig, s.driverName, s.runtimeID, s.created, s.stateDir = r.Config, r.Driver, r.RuntimeID, r.Created, dir
	req := driver.CreateRequest{ID: r.ID, Config: cfg, StateDir: dir, Notify: &notifier{s}}
	if r.Creating || r.State == schema.StateStopped {
		h.rollBack(ctx, rec, req, "creation was interrupted")
		return "", false
	}
	return r.ID, h.reattach(ctx, s, rec, req, r)
}

// reattach asks the driver to reattach and registers the system.
func (h *Host) reattach(ctx context.Context, s *system, rec driver.Recoverer, req driver.CreateRequest, r record) bool {
	got, err := rec.Recover(ctx, req)
	if err != nil {
		reason := err.Error()
		if !errors.Is(err, driver.ErrSystemGone) {
			h.log.Error("reattaching failed; releasing the system", "id", r.ID, "err", err)
		}
		h.rollBack(ctx, rec, req, reason)
		return false
	}
	s.mu.Lock()
	s.ds, s.state, s.creating, s.startedAt = got.System, r.State, false, r.Started
	s.recovering = make(chan struct{})
	s.mu.Unlock()
	for _, dp := range got.Processes {
		s.adoptProcess(dp)
	}
	if err := h.reserve(s); err != nil {
		h.log.Error("recovered system conflicts with a registered one", "id", r.ID, "err", err)
		return false
	}
	if got.Reattach != nil {
		rctx := h.reattachContext(ctx)
		if !h.tasks.start(func() { h.finishReattach(rctx, s, got.Reattach) }) {
			close(s.recovering) // the host closed: nothing will reattach it
		}
	} else {
		close(s.recovering)
	}
	if s.cfg.ShouldTerminateOnLastHandleClosed {
		h.tasks.after(h.opts.ReattachGrace, s.terminateUnreferenced)
	}
	h.log.Info("reattached compute system", "id", r.ID, "state", r.State, "processes", len(got.Processes))
	return true
}

// rollBack releases what a system left and removes its state directory.
func (h *Host) rollBack(ctx context.Context, rec driver.Recoverer, req driver.CreateRequest, why string) {
	if err := rec.Cleanup(ctx, req); err != nil {
		h.log.Error("cleaning up a compute system failed; its state is kept for the next start", "id", req.ID, "err", err)
		return
	}
	os.RemoveAll(req.StateDir)
	h.log.Info("rolled back compute system", "id", req.ID, "reason", why)
}
