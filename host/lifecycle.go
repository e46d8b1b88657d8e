package host

import (
	"context"
	"errors"
	"time"

	"github.com/linuxhcs/hcs/hresult"
	"github.com/linuxhcs/hcs/schema"
	"github.com/linuxhcs/hcs/wire"
)

// lifecycle runs one lifecycle operation: it checks the state table, calls the driver and
// moves the system to its new state. Operations on one system run one at a time, except
// that Terminate first cancels whatever operation is in flight so a hung Start or Shutdown
// cannot block it.
func (s *system) lifecycle(ctx context.Context, op wire.SystemOp, options string) error {
	opts, err := parseLifecycleOptions(op, options)
	if err != nil {
		return err
	}
	if op == wire.OpTerminate {
		s.cancelInFlight()
	}
	s.opMu.Lock()
	defer s.opMu.Unlock()
	if err := checkTransition(s.id, op, s.currentState()); err != nil {
		return err
	}
	opCtx, cancel := context.WithCancel(ctx)
	s.setCancel(cancel)
	defer func() { s.setCancel(nil); cancel() }()
	return s.runLocked(opCtx, op, opts)
}

// runLocked performs op with s.opMu held.
func (s *system) runLocked(ctx context.Context, op wire.SystemOp, opts lifecycleOptions) error {
	switch op {
	case wire.OpStart:
		return s.start(ctx)
	case wire.OpPause:
		return s.step(s.ds.Pause(ctx, opts.pause), schema.StatePaused)
	case wire.OpResume:
		return s.step(s.ds.Resume(ctx), schema.StateRunning)
	case wire.OpSave:
		return s.save(ctx, opts.save)
	case wire.OpShutDown:
		return s.shutdown(ctx, opts.shutdown)
	case wire.OpTerminate:
		return s.stop(ctx, schema.NotificationTypeForcedExit, s.ds.Terminate)
	case wire.OpCrash:
		return s.stop(ctx, schema.NotificationTypeUnexpectedExit, func(ctx context.Context) error {
			return s.ds.Crash(ctx, opts.crash)
		})
	}
	return hresult.Errorf(hresult.E_INVALIDARG, "unknown operation %q", op)
}

// step moves to state when the driver call succeeded. A system that stopped meanwhile stays
// stopped.
func (s *system) step(err error, to schema.State) error {
	if err != nil {
		return s.wrap(err)
	}
	s.mu.Lock()
	if s.state != schema.StateStopped {
		s.state = to
	}
	s.mu.Unlock()
	return s.persist()
}

// start boots the system. A failed start leaves nothing running: the system is torn down
// and reported stopped, since a half-started system cannot be started again.
func (s *system) start(ctx context.Context) error {
	err := s.ds.Start(ctx)
	if err == nil {
		s.mu.Lock()
		s.startedAt = time.Now()
		s.mu.Unlock()
		if err := s.step(nil, schema.StateRunning); err != nil {
			return err
		}
		stepStartRecorded.Reach()
		return nil
	}
	cleanup, cancel := context.WithTimeout(context.Background(), rollbackTimeout)
	defer cancel()
	_ = s.ds.Terminate(cleanup)
	s.markStopped(schema.SystemExitStatus{Status: hresult.FromError(err).Int32(), ExitType: schema.NotificationTypeUnexpectedExit})
	return s.wrap(err)
}

// shutdown asks for a graceful stop, bounded by the service's shutdown timeout, and
// terminates the system when that fails or takes too long (see escalate). Force skips the
// graceful stop: the driver terminates at once and the exit is a ForcedExit. Options the
// driver cannot honour are refused before anything stops, so a refusal never escalates.
func (s *system) shutdown(ctx context.Context, opts *schema.ShutdownOptions) error {
	exitType := schema.NotificationTypeGracefulExit
	if opts != nil {
		if opts.Reason != "" {
			s.h.log.Info("shutdown requested", "id", s.id, "reason", opts.Reason)
		}
		if opts.Force {
			exitType = schema.NotificationTypeForcedExit
		}
	}
	s.requestStop(exitType)
	graceful, cancel := context.WithTimeout(ctx, s.h.opts.ShutdownTimeout)
	err := s.ds.Shutdown(graceful, opts)
	timedOut := graceful.Err() == context.DeadlineExceeded
	cancel()
	switch {
	case refused(err):
		s.requestStop("")
		return s.wrap(err)
	case err != nil && s.currentState() == schema.StateStopped:
		// the system ended by itself meanwhile: there is nothing left to escalate
	case err != nil && ctx.Err() == nil:
		return s.escalate(ctx, err, timedOut)
	case err != nil:
		return s.wrap(err)
	}
	s.finishStop()
	return nil
}

// refused reports whether a driver turned a request down before acting on it.
func refused(err error) bool {
	return hresult.Is(err, hresult.ERROR_NOT_SUPPORTED) || hresult.Is(err, hresult.E_INVALIDARG)
}

// escalate terminates a system whose graceful shutdown failed or timed out. The spec has no
// code of its own for this, so the choice follows what it says of HCS_E_TERMINATED ("the
// VM/container was forcibly exited"): the exit is reported as a ForcedExit with that
// Status, and the shutdown fails with it, naming why the graceful stop did not happen. A
// client such as hcsshim, which falls back to Terminate when Shutdown fails, then gets
// HCS_E_SYSTEM_ALREADY_STOPPED, which it treats as success.
func (s *system) escalate(ctx context.Context, cause error, timedOut bool) error {
	s.h.log.Info("graceful shutdown failed, terminating", "id", s.id, "err", cause)
	s.mu.Lock()
	s.stopRequested, s.stopStatus = schema.NotificationTypeForcedExit, hresult.HCS_E_TERMINATED
	s.mu.Unlock()
	if err := s.ds.Terminate(ctx); err != nil {
		return s.wrap(err)
	}
	s.finishStop()
	why := "did not finish within " + s.h.opts.ShutdownTimeout.String()
	if !timedOut {
		why = "failed: " + hresult.From(cause).Message
	}
	return hresult.Errorf(hresult.HCS_E_TERMINATED, "compute system %q: the graceful shutdown %s; the system was terminated", s.id, why)
}

// stop runs a driver call that ends the system and waits until it is torn down. A call
// the driver refused leaves no stop requested, so a later exit is not attributed to it.
func (s *system) stop(ctx context.Context, exitType schema.NotificationType, call func(context.Context) error) error {
	s.requestStop(exitType)
	if err := call(ctx); err != nil {
		if refused(err) {
			s.requestStop("")
		}
		return s.wrap(err)
	}
	s.finishStop()
	return nil
}

// save writes the state of a paused system. ToFile ends the system; AsTemplate keeps it as a
// template.
func (s *system) save(ctx context.Context, opts *schema.SaveOptions) error {
	asTemplate := opts != nil && opts.SaveType == schema.SaveTypeAsTemplate
	if !asTemplate {
		s.requestStop(schema.NotificationTypeGracefulExit)
	}
	if err := s.ds.Save(ctx, opts); err != nil {
		s.requestStop("")
		return s.wrap(err)
	}
	if asTemplate {
		return s.step(nil, schema.StateSavedAsTemplate)
	}
	s.finishStop()
	return nil
}

// requestStop records the exit type of the stop a caller asked for ("" for none). Drivers
// report only what happened; markStopped takes the exit type from here first.
func (s *system) requestStop(t schema.NotificationType) {
	s.mu.Lock()
	s.stopRequested, s.stopStatus = t, 0
	s.mu.Unlock()
}

func (s *system) setCancel(c context.CancelFunc) {
	s.mu.Lock()
	s.cancelOp = c
	s.mu.Unlock()
}

func (s *system) cancelInFlight() {
	s.mu.Lock()
	c := s.cancelOp
	s.mu.Unlock()
	if c != nil {
		c()
	}
}

// wrap names the system in a driver error, keeping its code (E_FAIL when it has none).
func (s *system) wrap(err error) error {
	if err == nil {
		return nil
	}
	var he *hresult.Error
	if errors.As(err, &he) {
		return err
	}
	return hresult.Wrap(err, 0, `compute system "`+s.id+`"`)
}
