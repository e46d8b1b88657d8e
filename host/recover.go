package host

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"time"

	"github.com/linuxhcs/hcs/driver"
	"github.com/linuxhcs/hcs/schema"
)

// Recover rebuilds the registry after the service restarted, from the records in the state
// directory: live systems are reattached through their driver (processes included, and
// exits that happened meanwhile are kept for whoever opens those processes); half-created
// systems, and systems that ended while the service was down, are rolled back so they leave
// no mounts, cgroups or runtime state. Systems created with ShouldTerminateOnLastHandleClosed
// are terminated when no client opens them again within Options.ReattachGrace. What systems
// without a usable record left is torn down by the drivers that can find it (see
// driver.Sweeper); a bad record never stops the service from starting. Call it once,
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
	var live, unusable []string
	for _, e := range entries {
		if !e.IsDir() {
			continue
		}
		dir := filepath.Join(root, e.Name())
		id, ok, usable := h.recoverOne(ctx, dir)
		if ok {
			live = append(live, id)
		}
		if !usable {
			unusable = append(unusable, dir)
		}
	}
	h.sweep(ctx, root, unusable)
	return live, nil
}

// recoverOne handles one state directory and reports whether a system was reattached, and
// whether the directory held a usable record (else the sweep releases what it left).
func (h *Host) recoverOne(ctx context.Context, dir string) (id string, live, usable bool) {
	r, err := readRecord(dir)
	if err != nil {
		h.log.Warn("a state directory has no readable record; its leftovers will be swept", "dir", dir, "err", err)
		return "", false, false
	}
	cfg := new(schema.ComputeSystem)
	if err := schema.DecodeRecorded(string(r.Config), cfg); err != nil {
		h.log.Warn("a system's recorded configuration is invalid; its leftovers will be swept", "id", r.ID, "err", err)
		return "", false, false
	}
	drv, err := h.driverFor(cfg)
	rec, ok := drv.(driver.Recoverer)
	if err != nil || !ok {
		h.log.Warn("no driver can recover this system; its state is kept", "id", r.ID, "driver", r.Driver)
		return "", false, true
	}
	s := newSystem(h, r.ID, cfg)
	// The state directory is the system's only once it is reattached: an exit the driver
	// reports while failing to reattach must not remove what rollBack releases.
	s.rawConfig, s.driverName, s.runtimeID, s.created = r.Config, r.Driver, r.RuntimeID, r.Created
	req := driver.CreateRequest{ID: r.ID, Config: cfg, StateDir: dir, Notify: &notifier{s}}
	if r.Creating || r.State == schema.StateStopped {
		h.rollBack(ctx, rec, req, "creation was interrupted")
		return "", false, true
	}
	return r.ID, h.reattach(ctx, s, rec, req, r), true
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
	state, startedAt := recoveredState(r, got)
	s.mu.Lock()
	s.ds, s.state, s.creating, s.startedAt, s.stateDir = got.System, state, false, startedAt, req.StateDir
	s.recovering = make(chan struct{})
	s.mu.Unlock()
	if state != r.State {
		h.log.Info("the system is not in its recorded state; recording the state it was found in", "id", r.ID, "recorded", r.State, "found", state)
		if err := s.persist(); err != nil {
			h.log.Warn("saving the adopted system's state failed", "id", r.ID, "err", err)
		}
	}
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
	h.log.Info("reattached compute system", "id", r.ID, "state", state, "processes", len(got.Processes))
	return true
}

// recoveredState is the state of a reattached system: the recorded one, unless the driver
// found it otherwise. A system whose record says it was only created but that runs was being
// started when the service stopped; one found paused or running while its record says the
// other was being paused or resumed.
func recoveredState(r record, got driver.Recovered) (schema.State, time.Time) {
	state, startedAt := r.State, r.Started
	if got.Started && state == schema.StateCreated {
		state, startedAt = schema.StateRunning, time.Now()
	}
	if got.Paused != nil && (state == schema.StateRunning || state == schema.StatePaused) {
		state = schema.StateRunning
		if *got.Paused {
			state = schema.StatePaused
		}
	}
	return state, startedAt
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
