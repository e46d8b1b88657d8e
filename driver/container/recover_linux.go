package container

import (
	"context"
	"fmt"
	"os"

	"github.com/linuxhcs/hcs/agent/protocol"
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
		d: d, rt: rt, id: req.ID, rid: runtimeID(req.ID), cfg: req.Config.Container, dir: req.StateDir, notify: req.Notify,
		rootfs: p.Rootfs, attached: p.Attached, scratch: p.Scratch, mapped: p.Mapped,
		pid: p.Pid, pidStart: p.PidStart, procs: map[int]bool{},
	}, nil
}

// Recover reattaches to a container after the service restarted: it checks that the init
// recorded at Start still runs (same pid and start time), watches it again, reconnects to
// its agent (which re-sends every exit it reported while nobody listened) and lists the
// processes the agent spawned that still run.
func (d *Driver) Recover(ctx context.Context, req driver.CreateRequest) (driver.Recovered, error) {
	p, ok, err := readStateFile(req.StateDir)
	if err != nil {
		return driver.Recovered{}, err
	}
	if !ok || req.Config == nil || req.Config.Container == nil {
		return driver.Recovered{}, fmt.Errorf("container %s has no driver state: %w", req.ID, driver.ErrSystemGone)
	}
	s, err := d.restore(req, p)
	if err != nil {
		return driver.Recovered{}, err
	}
	if p.Pid == 0 {
		return driver.Recovered{System: s}, nil
	}
	if p.PidStart == 0 || procfs.StartTime(p.Pid) != p.PidStart {
		return driver.Recovered{}, fmt.Errorf("container %s: its init (pid %d) is gone: %w", req.ID, p.Pid, driver.ErrSystemGone)
	}
	return s.reattach(ctx)
}

// reattach watches the init, reconnects to the agent and collects the live processes.
func (s *System) reattach(ctx context.Context) (driver.Recovered, error) {
	w, err := watchExit(s.pid)
	if err != nil {
		return driver.Recovered{}, fmt.Errorf("container %s: %v: %w", s.id, err, driver.ErrSystemGone)
	}
	s.mu.Lock()
	s.watch, s.started, s.recovering = w, true, true
	s.mu.Unlock()
	go s.waitExit(w)
	defer func() {
		s.mu.Lock()
		s.recovering = false
		s.mu.Unlock()
	}()
	if err := s.connect(ctx, s.socketPath()); err != nil {
		return driver.Recovered{}, err
	}
	c, _ := s.agentClient()
	// Exits the agent kept while nobody listened: their processes are adopted too, so the
	// exit (re-sent on this connection, maybe after Recover returns) finds them.
	pending, err := c.WaitExits(ctx, 0)
	if err != nil {
		return driver.Recovered{}, err
	}
	list, err := c.ListProcesses(ctx)
	if err != nil {
		return driver.Recovered{}, err
	}
	for _, e := range pending {
		list = append(list, protocol.ProcessInfo{Pid: e.Pid, Spawned: true})
	}
	return driver.Recovered{System: s, Started: true, Processes: s.adopt(list)}, nil
}

// adopt records the spawned processes that still run and returns them.
func (s *System) adopt(list []protocol.ProcessInfo) []driver.Process {
	var out []driver.Process
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, pi := range list {
		if _, seen := s.procs[pi.Pid]; pi.Spawned && !seen {
			s.procs[pi.Pid] = false
			out = append(out, &Process{s: s, pid: pi.Pid})
		}
	}
	return out
}

// Cleanup releases what a container left, whatever step it reached: the runtime's state
// (killing what still runs), directories mapped at run time, the union the driver attached,
// the scratch layer and the agent socket.
func (d *Driver) Cleanup(ctx context.Context, req driver.CreateRequest) error {
	p, _, err := readStateFile(req.StateDir)
	if err != nil {
		return err
	}
	if req.Config == nil || req.Config.Container == nil {
		return hresult.New(hresult.E_INVALIDARG, "ComputeSystem.Container: required by the container driver")
	}
	s, err := d.restore(req, p)
	if err != nil {
		return err
	}
	if err := s.rt.Delete(ctx, s.rid); err != nil {
		return err
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
	os.Remove(s.socketPath())
	return nil
}
