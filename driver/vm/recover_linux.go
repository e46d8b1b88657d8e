package vm

import (
	"context"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"time"

	"github.com/linuxhcs/hcs/driver"
	"github.com/linuxhcs/hcs/driver/agentsession"
	"github.com/linuxhcs/hcs/hresult"
	"github.com/linuxhcs/hcs/internal/procfs"
)

var _ driver.Recoverer = (*Driver)(nil)

// Recover reattaches to a VM after the service restarted: QEMU (same pid and start time)
// is watched through a pidfd, QMP and the console are reconnected, and QEMU says whether the
// guest runs or is paused. In the background (Recovered.Reattach), once the guest runs, the
// guest agent, which lost its host, starts a new session (re-sending every exit not
// acknowledged) when the driver connects to its port again. Processes started before keep
// running; their relayed stdio ended with the old service.
func (d *Driver) Recover(ctx context.Context, req driver.CreateRequest) (driver.Recovered, error) {
	var p persisted
	if err := driver.RecoverableState(req, stateFile, &p, req.Config != nil && req.Config.VirtualMachine != nil); err != nil {
		return driver.Recovered{}, err
	}
	if p.RunID == "" {
		return driver.Recovered{}, fmt.Errorf("VM %s: its state names no run directory: %w", req.ID, driver.ErrSystemGone)
	}
	s := newSystem(d, req, p.RunID)
	if p.Config != nil {
		s.cfg, s.scsi, s.modified = p.Config, ScsiControllerIDs(p.Config.Devices), true
	}
	var err error
	s.runMade = true
	if s.cmd, err = BuildCommand(s.commandConfig()); err != nil {
		return driver.Recovered{}, fmt.Errorf("VM %s: %v: %w", req.ID, err, driver.ErrSystemGone)
	}
	if p.Pid == 0 {
		return driver.Recovered{System: s}, s.prepare()
	}
	if !procfs.Alive(p.Pid, p.PidStart) {
		return driver.Recovered{}, fmt.Errorf("VM %s: QEMU (pid %d) is gone: %w", req.ID, p.Pid, driver.ErrSystemGone)
	}
	return s.reattach(ctx, p)
}

// reattach adopts QEMU and reconnects to it (QMP and the console answer whatever the guest
// does) and asks it whether the guest runs. The guest agent is left to Recovered.Reattach
// (reconnectGuest), which the host runs in the background: recovery never waits on a guest.
func (s *System) reattach(ctx context.Context, p persisted) (driver.Recovered, error) {
	proc, err := adoptQEMU(p.Pid, p.PidStart)
	if err != nil {
		return driver.Recovered{}, fmt.Errorf("VM %s: %v: %w", s.id, err, driver.ErrSystemGone)
	}
	s.mu.Lock()
	s.qemu, s.startAt = proc, time.Now()
	s.mu.Unlock()
	go s.waitExit(proc)
	for _, st := range []step{{"connect to QMP", s.connectMonitor}, {"find the 9p shares added at run time", s.recoverShares},
		{"connect to the console", s.connectConsole}} {
		if err := st.run(ctx); err != nil {
			return driver.Recovered{}, s.withLog(st.name, err)
		}
	}
	running, err := s.guestRunning(ctx, s.monitor())
	if err != nil {
		return driver.Recovered{}, s.withLog("ask QEMU whether the guest runs", err)
	}
	paused := !running
	if paused {
		s.mu.Lock()
		s.resumed = make(chan struct{})
		s.mu.Unlock()
	}
	return driver.Recovered{System: s, Started: true, Paused: &paused, Reattach: s.reconnectGuest}, nil
}

// reconnectGuest reconnects to the guest agent of a recovered VM, once it is resumed if it
// was found paused. The agent re-sends every exit it reported while nobody listened; those
// of processes the session does not know go to the host's recovery path. It returns the
// processes the agent spawned that still run.
func (s *System) reconnectGuest(ctx context.Context) ([]driver.Process, error) {
	s.mu.Lock()
	resumed, proc := s.resumed, s.qemu
	s.mu.Unlock()
	if resumed != nil {
		select {
		case <-resumed:
		case <-proc.done:
			return nil, fmt.Errorf("VM %s: QEMU ended while the VM was paused: %w", s.id, driver.ErrSystemGone)
		case <-ctx.Done():
			return nil, hresult.Wrap(ctx.Err(), 0, "VM "+s.id+": waiting for it to be resumed")
		}
	}
	reconnect := func(ctx context.Context) error { return s.connectAgent(ctx, agentsession.Sink(s.notify.ProcessExited)) }
	for _, st := range []step{{"connect to the agent's port", s.dialAgent}, {"reconnect to the guest agent", reconnect}} {
		if err := st.run(ctx); err != nil {
			return nil, s.withLog(st.name, err)
		}
	}
	return s.adoptProcesses(ctx)
}

// guestResumed lets a reconnectGuest that waits for a resume go on.
func (s *System) guestResumed() {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.resumed != nil {
		close(s.resumed)
		s.resumed = nil
	}
}

// adoptProcesses records the processes the agent spawned that still run.
func (s *System) adoptProcesses(ctx context.Context) ([]driver.Process, error) {
	sess := s.agent.Get()
	if sess == nil {
		return nil, nil
	}
	pids, err := sess.AdoptRunning(ctx, agentsession.Sink(s.notify.ProcessExited))
	var out []driver.Process
	for _, pid := range pids {
		out = append(out, &Process{s: s, pid: pid})
	}
	return out, err
}

// Cleanup releases what a VM left, whatever step it reached: QEMU when it still runs (the
// one recorded, recognised by its start time), the run directory and the COM port sockets.
func (d *Driver) Cleanup(ctx context.Context, req driver.CreateRequest) error {
	p, _, err := readState(req.StateDir)
	if err != nil {
		return err
	}
	if p.Pid != 0 && p.PidStart != 0 && procfs.StartTime(p.Pid) == p.PidStart {
		if proc, err := adoptQEMU(p.Pid, p.PidStart); err == nil {
			proc.kill()
			go func() { proc.wait(); close(proc.done) }()
			if err := waitDone(ctx, proc.done); err != nil {
				return err
			}
		}
	}
	// Without a recorded name no run directory was made: the name is recorded first.
	if p.RunID != "" {
		os.RemoveAll(filepath.Join(d.opts.RunDir, p.RunID))
	}
	if req.Config != nil && req.Config.VirtualMachine != nil {
		s := newSystem(d, req, p.RunID)
		if cmd, err := BuildCommand(s.commandConfig()); err == nil {
			for _, f := range cmd.filesOf(RoleComPort) {
				removeSocket(f.Path)
			}
		}
	}
	return nil
}

// removeSocket removes path when it is a socket.
func removeSocket(path string) {
	if fi, err := os.Lstat(path); err == nil && fi.Mode()&fs.ModeSocket != 0 {
		os.Remove(path)
	}
}
