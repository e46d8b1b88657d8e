package drivertest

import (
	"context"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/linuxhcs/hcs/driver"
)

// Fast exits: processes that exit at once, started several at a time, so that a driver
// often learns of an exit before CreateProcess has returned the process's pid.
const (
	fastExitWorkers = 4
	fastExitEach    = 25
)

// testFastExits: every exit of a process that exits at once reaches its own OnExit exactly
// once, with its own code, whether it came before or after CreateProcess returned.
func testFastExits(t *testing.T, cfg *Config) {
	s := start(t, cfg)
	var early atomic.Int32
	var wg sync.WaitGroup
	for w := range fastExitWorkers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range fastExitEach {
				if !s.fastExit((w+i)%2 == 1, &early) {
					return
				}
			}
		}()
	}
	wg.Wait()
	t.Logf("%d of %d exits were delivered before CreateProcess returned", early.Load(), fastExitWorkers*fastExitEach)
}

// fastExit runs true (or false when fail) and checks its exit: delivered once, to the pid
// CreateProcess returned, with 0 (or 1). It counts an exit delivered before CreateProcess
// returned in early, and returns false when the test should stop.
func (s *sut) fastExit(fail bool, early *atomic.Int32) bool {
	command, want := "true", uint32(0)
	if fail {
		command, want = "false", 1
	}
	var returned atomic.Bool
	var p driver.Process
	req := driver.ProcessRequest{Params: params(command), OnExit: func(pid, code uint32) {
		if !returned.Load() {
			early.Add(1)
		}
		s.rec.ProcessExited(pid, code)
	}}
	err := s.cfg.call("CreateProcess", func(ctx context.Context) error {
		var err error
		p, err = s.sys.CreateProcess(ctx, req)
		returned.Store(true)
		return err
	})
	if err != nil {
		s.t.Errorf("%s: CreateProcess %s: %v", s.id, command, err)
		return false
	}
	code, ok := s.rec.WaitProcessExited(p.Pid(), s.cfg.timeout())
	if !ok {
		s.t.Errorf("%s: no exit delivered for %s (pid %d)", s.id, command, p.Pid())
		return false
	}
	if code != want {
		s.t.Errorf("%s: %s (pid %d) exited with %d, want %d", s.id, command, p.Pid(), code, want)
	}
	return true
}
