package fakedriver

import (
	"context"
	"slices"
	"syscall"

	"github.com/linuxhcs/hcs/driver"
	"github.com/linuxhcs/hcs/hresult"
	"github.com/linuxhcs/hcs/schema"
)

// Shutdown implements driver.System: it sends SIGTERM (and SIGCONT, in case the system is
// paused) to every process group, waits for the processes to exit and reports that the
// system stopped. When ctx ends first it returns ctx's error and reports nothing.
func (s *System) Shutdown(ctx context.Context, _ *schema.ShutdownOptions) error {
	procs, err := s.beginStop(ctx, OpShutdown, stateRunning, statePaused)
	if err != nil {
		return err
	}
	for _, p := range procs {
		p.signalGroup(syscall.SIGTERM)
		p.signalGroup(syscall.SIGCONT)
	}
	if err := waitAll(ctx, procs); err != nil {
		return err
	}
	s.exit(driver.Exit{Cause: driver.ExitStopped})
	return nil
}

// Terminate implements driver.System: it kills every process group, waits for the
// processes to exit and reports that the system stopped.
func (s *System) Terminate(ctx context.Context) error {
	procs, err := s.beginStop(ctx, OpTerminate, stateCreated, stateRunning, statePaused, stateStopping)
	if err != nil {
		return err
	}
	if err := killAll(ctx, procs); err != nil {
		return err
	}
	s.exit(driver.Exit{Cause: driver.ExitStopped})
	return nil
}

// Crash implements driver.System: it reports a crash as initiated, kills every process
// group, reports the crash as completed and then that the system crashed.
func (s *System) Crash(ctx context.Context, _ *schema.CrashOptions) error {
	procs, err := s.beginStop(ctx, OpCrash, stateRunning, statePaused)
	if err != nil {
		return err
	}
	report := schema.CrashReport{SystemId: s.id, CrashLog: "fakedriver: crash requested"}
	s.notify.Crashed(report, false)
	if err := killAll(ctx, procs); err != nil {
		return err
	}
	s.notify.Crashed(report, true)
	s.exit(driver.Exit{Cause: driver.ExitCrashed})
	return nil
}

// Die makes a started system stop by itself, as if its init or VM died: every process is
// killed and the system reports that it stopped with HCS_E_UNEXPECTED_EXIT. It does nothing
// to a system that was never started or has stopped.
func (s *System) Die() {
	s.endByItself(driver.Exit{Cause: driver.ExitStopped, Status: hresult.HCS_E_UNEXPECTED_EXIT.Int32()})
}

// PowerOff makes a started system stop by itself as a guest that powers itself off: every
// process is killed and the system reports ExitPoweredOff. It does nothing to a system that
// was never started or has stopped.
func (s *System) PowerOff() {
	s.endByItself(driver.Exit{Cause: driver.ExitPoweredOff})
}

// endByItself kills every process of a started system and reports e.
func (s *System) endByItself(e driver.Exit) {
	procs, err := s.beginStop(context.Background(), "", stateRunning, statePaused, stateStopping)
	if err != nil {
		return
	}
	_ = killAll(context.Background(), procs)
	s.exit(e)
}

// Close implements driver.System: it kills whatever is left, reports the exit of a started
// system that has not reported one, and records the call (see Closed).
func (s *System) Close(ctx context.Context) error {
	hookErr := s.opts.run(ctx, OpClose, s.id)
	s.mu.Lock()
	s.closeCalls++
	started := s.state != stateCreated
	s.state = stateStopped
	procs := s.liveLocked()
	s.mu.Unlock()
	err := killAll(ctx, procs)
	if started {
		s.exit(driver.Exit{Cause: driver.ExitStopped})
	}
	if hookErr != nil {
		return hookErr
	}
	return err
}

// beginStop runs op's hooks (if op is set), checks that the system is in one of the states
// in from, moves it to stopping and returns its live processes. No process can be created
// afterwards.
func (s *System) beginStop(ctx context.Context, op Op, from ...state) ([]*process, error) {
	if op != "" {
		if err := s.opts.run(ctx, op, s.id); err != nil {
			return nil, err
		}
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if !slices.Contains(from, s.state) {
		return nil, s.stateErrorLocked(op)
	}
	s.state = stateStopping
	return s.liveLocked(), nil
}

// liveLocked returns the live processes. s.mu must be held.
func (s *System) liveLocked() []*process {
	procs := make([]*process, 0, len(s.procs))
	for _, p := range s.procs {
		procs = append(procs, p)
	}
	return procs
}

// exit marks the system stopped and reports e, once per system.
func (s *System) exit(e driver.Exit) {
	s.mu.Lock()
	s.state = stateStopped
	s.mu.Unlock()
	s.exitOnce.Do(func() { s.notify.Exited(e) })
}

// killAll kills every process group in procs and waits for the processes to exit.
func killAll(ctx context.Context, procs []*process) error {
	for _, p := range procs {
		p.signalGroup(syscall.SIGKILL)
	}
	return waitAll(ctx, procs)
}

// waitAll waits until every process in procs has exited and been reported, or ctx ends.
func waitAll(ctx context.Context, procs []*process) error {
	for _, p := range procs {
		select {
		case <-p.done:
		case <-ctx.Done():
			return ctx.Err()
		}
	}
	return nil
}
