package drivertest

import (
	"context"
	"slices"
	"testing"
	"time"

	"github.com/linuxhcs/hcs/driver"
)

// sut is one system under test, owned by one subtest.
type sut struct {
	t       *testing.T
	cfg     *Config
	id      string
	sys     driver.System
	rec     *Recorder
	started bool
	closed  bool
}

// create creates a system and registers its clean-up: Terminate when it was started and
// has not reported its exit, then Close.
func create(t *testing.T, cfg *Config) *sut {
	t.Helper()
	s := &sut{t: t, cfg: cfg, id: newID(t), rec: NewRecorder()}
	req := driver.CreateRequest{ID: s.id, Config: cfg.NewConfig(t), StateDir: t.TempDir(), Notify: s.rec}
	err := cfg.call("Create", func(ctx context.Context) error {
		sys, err := cfg.Driver.Create(ctx, req)
		s.sys = sys
		return err
	})
	if err != nil {
		t.Fatalf("Create %s: %v", s.id, err)
	}
	t.Cleanup(s.cleanup)
	return s
}

// start creates and starts a system.
func start(t *testing.T, cfg *Config) *sut {
	t.Helper()
	s := create(t, cfg)
	s.started = true // clean-up must stop even a partially started system
	s.must("Start", s.sys.Start)
	return s
}

// must runs a driver call and fails the test when it returns an error.
func (s *sut) must(what string, fn func(ctx context.Context) error) {
	s.t.Helper()
	if err := s.cfg.call(what, fn); err != nil {
		s.t.Fatalf("%s %s: %v", what, s.id, err)
	}
}

// close closes the system; clean-up then leaves it alone.
func (s *sut) close() error {
	s.closed = true
	return s.cfg.call("Close", s.sys.Close)
}

func (s *sut) cleanup() {
	t := s.t
	if s.started && len(s.rec.Exits()) == 0 {
		if err := s.cfg.call("Terminate", s.sys.Terminate); err != nil {
			t.Logf("clean-up: Terminate %s: %v", s.id, err)
		}
		if _, ok := s.rec.WaitExited(s.cfg.timeout()); !ok {
			t.Errorf("clean-up: %s reported no Exited after Terminate", s.id)
		}
	}
	if !s.closed {
		if err := s.close(); err != nil {
			t.Errorf("clean-up: Close %s: %v", s.id, err)
		}
	}
	s.checkEventCounts()
}

// checkEventCounts fails the test when an event that must come once came more often.
func (s *sut) checkEventCounts() {
	if n := len(s.rec.Exits()); n > 1 {
		s.t.Errorf("%s reported Exited %d times, want once: %+v", s.id, n, s.rec.Exits())
	}
	for _, pid := range s.rec.Pids() {
		if codes := s.rec.ProcessExits(pid); len(codes) != 1 {
			s.t.Errorf("%s reported ProcessExited for pid %d %d times (%v), want once", s.id, pid, len(codes), codes)
		}
	}
}

// waitExited waits for the system's exit and checks that it is reported exactly once, with
// one of the causes in want (any cause when want is empty).
func (s *sut) waitExited(want ...driver.ExitCause) driver.Exit {
	s.t.Helper()
	st, ok := s.rec.WaitExited(s.cfg.timeout())
	if !ok {
		s.t.Fatalf("%s: no Exited within %v", s.id, s.cfg.timeout())
	}
	if len(want) > 0 && !slices.Contains(want, st.Cause) {
		s.t.Errorf("%s: Exited with cause %q (status %#x), want one of %q", s.id, st.Cause, uint32(st.Status), want)
	}
	time.Sleep(settle)
	if n := len(s.rec.Exits()); n != 1 {
		s.t.Errorf("%s: Exited reported %d times, want exactly once: %+v", s.id, n, s.rec.Exits())
	}
	return st
}

// waitProcess waits for pid's exit and returns its exit code.
func (s *sut) waitProcess(pid uint32) uint32 {
	s.t.Helper()
	code, ok := s.rec.WaitProcessExited(pid, s.cfg.timeout())
	if !ok {
		s.t.Fatalf("%s: no ProcessExited for pid %d within %v", s.id, pid, s.cfg.timeout())
	}
	return code
}

// expectExitCode waits for pid's exit and checks its code.
func (s *sut) expectExitCode(pid, want uint32) {
	s.t.Helper()
	if got := s.waitProcess(pid); got != want {
		s.t.Errorf("%s: pid %d exited with %d, want %d", s.id, pid, got, want)
	}
}
