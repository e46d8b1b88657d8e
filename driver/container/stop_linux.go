package container

import (
	"context"

	"errors"
	"golang.org/x/sys/unix"
	"os"
	"os/exec"
	"strings"
	"time"

	"github.com/linuxhcs/hcs/hresult"
	"github.com/linuxhcs/hcs/schema"
)

// shutdownMargin is kept from the caller's deadline for the agent's answer and the init's
// exit after the agent's own timeout.
const shutdownMargin = 500 * time.Millisecond

// defaultShutdownTimeout is the agent's SIGTERM-to-SIGKILL wait when the caller set no
// deadline.
const defaultShutdownTimeout = 10 * time.Second

// Shutdown asks the agent to stop every process (SIGTERM, then SIGKILL when the time given by
// ctx's deadline runs out) and waits for the init to exit. Options it cannot honour are
// refused (see CheckShutdownOptions) before anything is stopped; Force skips the agent and
// kills the init at once, as Terminate does.
func (s *System) Shutdown(ctx context.Context, opts *schema.ShutdownOptions) error {
	if err := CheckShutdownOptions(opts); err != nil {
		return err
	}
	if opts != nil && opts.Force {
		return s.Terminate(ctx)
	}
	if s.isPaused() { // a frozen agent cannot stop anything: thaw first
		if err := s.Resume(ctx); err != nil {
			return err
		}
	}
	sess, err := s.agentSession(ctx)
	if err != nil {
		return err
	}
	timeout := defaultShutdownTimeout
	if dl, ok := ctx.Deadline(); ok {
		timeout = max(time.Until(dl)-shutdownMargin, 0)
	}
	if _, err := sess.Client().Shutdown(ctx, timeout); err != nil && !s.initEnds(drainGrace) {
		return err
	}
	return s.waitInit(ctx)
}

// Terminate kills the container's init, which ends every process of its pid namespace. A
// container whose init never ran (not started, or a failed start) is reported ended at once.
func (s *System) Terminate(ctx context.Context) error {
	if s.initNeverRan() {
		s.reportExit()
		return nil
	}
	if err := s.killInit(ctx); err != nil {
		return err
	}
	stepTerminateKilled.Reach()
	return s.waitInit(ctx)
}

// killInit sends SIGKILL to the container's init through its pidfd (no runtime invocation:
// the pid namespace dies with its init). A frozen init only dies once thawed, so a paused
// container is resumed after the signal.
func (s *System) killInit(ctx context.Context) error {
	s.mu.Lock()
	w, paused := s.watch, s.paused
	s.mu.Unlock()
	if err := w.signal(unix.SIGKILL); err != nil {
		return err
	}
	if paused {
		if err := s.rt.Resume(ctx, s.rid); err != nil && !s.initGone() {
			return err
		}
	}
	// A pause the runtime died in may have frozen the container unrecorded; a frozen init
	// would never die of the SIGKILL.
	s.d.thawCgroups(s.rid)
	return nil
}

// Crash forces the container down as a crash: a crash report before and after the kill.
func (s *System) Crash(ctx context.Context, opts *schema.CrashOptions) error {
	if err := CheckCrashOptions(opts); err != nil {
		return err
	}
	report := schema.CrashReport{SystemId: s.id, CrashLog: "container crash requested by HcsCrashComputeSystem"}
	s.notify.Crashed(report, false)
	if err := s.Terminate(ctx); err != nil {
		return err
	}
	s.notify.Crashed(report, true)
	return nil
}

// Pause freezes the container (cgroup freezer through the runtime); options it cannot honour
// are refused (see CheckPauseOptions).
func (s *System) Pause(ctx context.Context, opts *schema.PauseOptions) error {
	if err := CheckPauseOptions(opts); err != nil {
		return err
	}
	if err := s.rt.Pause(ctx, s.rid); err != nil {
		// The pause failed, so the container stays running: undo whatever freezing the
		// runtime got done before it failed.
		s.d.thawCgroups(s.rid)
		return err
	}
	stepPauseFrozen.Reach()
	s.setPaused(true)
	return nil
}

func (s *System) isPaused() bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.paused
}

func (s *System) setPaused(p bool) {
	s.mu.Lock()
	s.paused = p
	s.mu.Unlock()
}

// Resume thaws it.
func (s *System) Resume(ctx context.Context) error {
	if err := s.rt.Resume(ctx, s.rid); err != nil {
		return err
	}
	stepResumeThawed.Reach()
	s.setPaused(false)
	s.thawed()
	return nil
}

// Save would checkpoint the container with CRIU. It runs only where `criu check` passes;
// elsewhere it fails with ERROR_NOT_SUPPORTED quoting criu's reason.
func (s *System) Save(ctx context.Context, opts *schema.SaveOptions) error {
	out, err := exec.CommandContext(ctx, "criu", "check").CombinedOutput()
	if err != nil {
		reason := strings.TrimSpace(string(out))
		if errors.Is(err, exec.ErrNotFound) {
			reason = "criu is not installed"
		}
		return hresult.Errorf(hresult.ERROR_NOT_SUPPORTED, "saving a container needs CRIU, and `criu check` fails on this host: %s", lastLine(reason))
	}
	return hresult.New(hresult.ERROR_NOT_SUPPORTED, "saving a container with CRIU is not implemented yet")
}

func lastLine(s string) string {
	lines := strings.Split(strings.TrimSpace(s), "\n")
	return lines[len(lines)-1]
}

func (s *System) hasStarted() bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.started
}

// initNeverRan reports whether no init process was ever watched.
func (s *System) initNeverRan() bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.watch == nil
}

// initEnds reports whether the init has exited or exits within grace. An agent that
// completed a shutdown exits at once, and the connection can be lost (an acknowledgement
// written to it fails) before the shutdown's answer is read: that is a shutdown done, not
// one that failed.
func (s *System) initEnds(grace time.Duration) bool {
	s.mu.Lock()
	w := s.watch
	s.mu.Unlock()
	if w == nil {
		return true
	}
	select {
	case <-w.done:
		return true
	default:
	}
	if grace <= 0 {
		return false
	}
	select {
	case <-w.done:
		return true
	case <-time.After(grace):
		return false
	}
}

// initGone reports whether the container's init has exited (or never ran).
func (s *System) initGone() bool { return s.initEnds(0) }

// waitInit waits for the init's exit.
func (s *System) waitInit(ctx context.Context) error {
	s.mu.Lock()
	w := s.watch
	s.mu.Unlock()
	if w == nil {
		return nil
	}
	return w.Wait(ctx)
}

// Close releases everything: the agent connection, the runtime's state (killing what is
// left), the union mount, the scratch layer and the agent socket.
func (s *System) Close(ctx context.Context) error {
	return s.release(ctx)
}

func (s *System) release(ctx context.Context) error {
	var errs []error
	if sess := s.agent.Get(); sess != nil {
		sess.Close()
	}
	if s.hasStarted() {
		if err := s.rt.Delete(ctx, s.rid); err != nil {
			errs = append(errs, err)
		}
		stepCloseDeleted.Reach()
	}
	if err := s.waitInit(ctx); err != nil {
		errs = append(errs, err)
	}
	if s.hasStarted() {
		errs = append(errs, s.d.removeCgroups(s.rid))
	}
	s.mu.Lock()
	if s.watch != nil {
		s.watch.release()
	}
	s.mu.Unlock()
	s.setAgentLog(nil)
	s.unmapAll()
	if s.attached {
		if err := detachRoot(s.rootfs); err != nil {
			errs = append(errs, err)
		}
		stepCloseRootDetached.Reach()
	}
	if s.scratch {
		os.RemoveAll(s.rootfs)
	}
	if s.ownsSocket() {
		os.Remove(s.socketPath())
	}
	return errors.Join(errs...)
}
