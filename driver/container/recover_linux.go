package container

import (
	"context"
	"fmt"
	"os"

	"github.com/linuxhcs/hcs/driver"
	"github.com/linuxhcs/hcs/hresult"
	"github.com/linuxhcs/hcs/internal/procfs"
)

var _ driver.Recoverer = (*Driver)(nil)

// restore rebuilds a System from what it persisted.
func (d *Driver) restore(req driver.CreateRequest, p persisted) (*System, error) {
	rt := d.Runtime()
	if p.Runtime != "" {
		var err error
		if rt, err = d.runtime(p.Runtime); err != nil {
			return nil, err
		}
	}
	return &System{
		d: d, rt: rt, id: req.ID, rid: p.RuntimeID, cfg: req.Config.Container, dir: req.StateDir, notify: req.Notify,
		rootfs: p.Rootfs, attached: p.Attached, scratch: p.Scratch, mapped: p.Mapped,
		pid: p.Pid, pidStart: p.PidStart,
	}, nil
}

// Recover reattaches to a container after the service restarted: it checks that the init
// recorded at Start still runs (same pid and start time), watches it again and asks the
// runtime whether it is paused. Nothing here waits on the container: reconnecting to its
// agent is left to Recovered.Reattach (see reconnect). A container with no init recorded is
// reconciled with its runtime's state first.
func (d *Driver) Recover(ctx context.Context, req driver.CreateRequest) (driver.Recovered, error) {
	var p persisted
	if err := driver.RecoverableState(req, stateFile, &p, req.Config != nil && req.Config.Container != nil); err != nil {
		return driver.Recovered{}, err
	}
	if p.RuntimeID == "" {
		return driver.Recovered{}, fmt.Errorf("container %s: its state names no runtime container: %w", req.ID, driver.ErrSystemGone)
	}
	s, err := d.restore(req, p)
	if err != nil {
		return driver.Recovered{}, err
	}
	if p.Pid == 0 {
		return s.reconcile(ctx)
	}
	if !procfs.Alive(p.Pid, p.PidStart) {
		return driver.Recovered{}, fmt.Errorf("container %s: its init (pid %d) is gone: %w", req.ID, p.Pid, driver.ErrSystemGone)
	}
	return s.reattach(ctx)
}

// reattach watches the init and notes whether the container is paused; until reconnect
// settles, calls that need the agent wait for it.
func (s *System) reattach(ctx context.Context) (driver.Recovered, error) {
	w, err := watchExit(s.pid)
	if err != nil {
		return driver.Recovered{}, fmt.Errorf("container %s: %v: %w", s.id, err, driver.ErrSystemGone)
	}
	st, known, err := s.rt.State(ctx, s.rid)
	if err == nil && !known {
		err = fmt.Errorf("container %s: the runtime no longer knows it: %w", s.id, driver.ErrSystemGone)
	}
	if err != nil {
		w.release()
		return s.abandon(err)
	}
	// The runtime reads the state from the cgroups, never from the container's processes,
	// so a frozen container answers at once.
	paused := st.Status == "paused"
	s.mu.Lock()
	s.watch, s.started, s.paused, s.reattaching = w, true, paused, make(chan struct{})
	if paused {
		s.thawing = make(chan struct{})
	}
	s.mu.Unlock()
	s.setAgentLog(reopenAgentLog(s.d.log, s.id, s.pid))
	go s.waitExit(w)
	return driver.Recovered{System: s, Started: true, Paused: &paused, Reattach: s.reconnect}, nil
}

// abandon gives up a container that could not be reattached. The host releases it with
// Cleanup and never registers it, so its end, which the watch may still see, is not
// reported: the host would otherwise tear it down a second time, concurrently with Cleanup
// (removing the state Cleanup reads). The agent connection and the watch are let go.
func (s *System) abandon(err error) (driver.Recovered, error) {
	s.exitOnce.Do(func() {})
	if sess := s.agent.Get(); sess != nil {
		sess.Close()
	}
	s.mu.Lock()
	if s.watch != nil {
		s.watch.release()
	}
	s.mu.Unlock()
	return driver.Recovered{}, err
}

// Cleanup releases what a container left, whatever step it reached: the runtime's state
// (killing what still runs), directories mapped at run time, the union the driver attached,
// the scratch layer and the agent socket.
func (d *Driver) Cleanup(ctx context.Context, req driver.CreateRequest) error {
	if req.Config == nil || req.Config.Container == nil {
		return hresult.New(hresult.E_INVALIDARG, "$.Container: required by the container driver")
	}
	p, ok, err := readStateFile(req.StateDir)
	if err != nil || !ok {
		d.log.Warn("the container's state is missing or unreadable; releasing what its configuration names",
			"id", req.ID, "err", err)
		p = stateFromConfig(req)
	}
	s, err := d.restore(req, p)
	if err != nil {
		return err
	}
	// Without a recorded runtime id the container never reached the runtime: the id is
	// recorded before anything is made under it.
	if s.rid != "" {
		if err := s.rt.Delete(ctx, s.rid); err != nil {
			return err
		}
		os.Remove(s.socketPath())
	}
	s.unmapAll()
	if s.attached && s.rootfs != "" {
		if err := detachRoot(s.rootfs); err != nil {
			return err
		}
	}
	if s.scratch && s.rootfs != "" {
		os.RemoveAll(s.rootfs)
	}
	return nil
}
