package drivertest

import (
	"context"
	"os"
	"path/filepath"
	"testing"

	"github.com/linuxhcs/hcs/driver"
	"github.com/linuxhcs/hcs/schema"
)

// sleeper runs a process that lives until it is signalled.
const sleeper = "exec sleep 1000"

// stoppedCauses are the causes a system stopped by a caller may report: the host takes
// the exit type from the stop asked for, so the driver need only not claim a crash.
var stoppedCauses = []driver.ExitCause{driver.ExitStopped, driver.ExitPoweredOff}

// testTerminate: create, start and terminate report Exited once.
func testTerminate(t *testing.T, cfg *Config) {
	s := start(t, cfg)
	s.must("Terminate", s.sys.Terminate)
	s.waitExited(stoppedCauses...)
}

// testShutdown: shutdown stops the processes and reports Exited once.
func testShutdown(t *testing.T, cfg *Config) {
	s := start(t, cfg)
	p := s.spawn(sleeper, streams{})
	s.must("Shutdown", func(ctx context.Context) error {
		return s.sys.Shutdown(ctx, &schema.ShutdownOptions{Type: schema.ShutdownTypeShutdown})
	})
	s.waitExited(stoppedCauses...)
	s.waitProcess(p.Pid())
}

// testCrash: a crash is reported as completed (after being initiated, if that is
// reported) and the system exits once.
func testCrash(t *testing.T, cfg *Config) {
	s := start(t, cfg)
	s.must("Crash", func(ctx context.Context) error {
		return s.sys.Crash(ctx, &schema.CrashOptions{Type: schema.CrashTypeCrashGuest})
	})
	s.waitExited()
	crashes := s.rec.Crashes()
	if len(crashes) == 0 || !crashes[len(crashes)-1].Completed {
		t.Fatalf("crash events %+v: want a completed crash report last", crashes)
	}
	for _, c := range crashes[:len(crashes)-1] {
		if c.Completed {
			t.Errorf("crash events %+v: more than one completed report", crashes)
		}
	}
}

// testProcessesExitWithSystem: when the system stops, every process's exit is reported.
func testProcessesExitWithSystem(t *testing.T, cfg *Config) {
	s := start(t, cfg)
	a := s.spawn(sleeper, streams{})
	b := s.spawn("sleep 1000; sleep 1000", streams{stdout: true})
	s.must("Terminate", s.sys.Terminate)
	s.waitExited(stoppedCauses...)
	s.waitProcess(a.Pid())
	s.waitProcess(b.Pid())
	b.stdout.wait(s, "stdout of a process of a stopped system")
}

// testCloseAfterStop: Close after the system stopped succeeds, and a second Close
// returns (an error is allowed: the host closes once) without hanging or panicking.
func testCloseAfterStop(t *testing.T, cfg *Config) {
	s := start(t, cfg)
	p := s.spawn(sleeper, streams{})
	s.must("Terminate", s.sys.Terminate)
	s.waitExited(stoppedCauses...)
	if err := s.close(); err != nil {
		t.Fatalf("Close: %v", err)
	}
	if err := s.close(); err != nil {
		t.Logf("second Close: %v", err)
	}
	s.waitProcess(p.Pid())
}

// testCloseWithoutStart: a created system that never started closes cleanly.
func testCloseWithoutStart(t *testing.T, cfg *Config) {
	s := create(t, cfg)
	if err := s.close(); err != nil {
		t.Fatalf("Close: %v", err)
	}
}

// testProperties: ProcessList holds a running process and Statistics has a timestamp.
func testProperties(t *testing.T, cfg *Config) {
	s := start(t, cfg)
	p := s.spawn(sleeper, streams{})
	var props schema.Properties
	types := []schema.SystemPropertyType{schema.SystemPropertyTypeProcessList, schema.SystemPropertyTypeStatistics}
	s.must("Properties", func(ctx context.Context) error { return s.sys.Properties(ctx, types, &props) })
	if !hasPid(props.ProcessList, p.Pid()) {
		t.Errorf("ProcessList %+v lacks pid %d", props.ProcessList, p.Pid())
	}
	if props.Statistics == nil || props.Statistics.Timestamp == "" {
		t.Errorf("Statistics %+v: want a Timestamp", props.Statistics)
	} else if err := checkDateTime(props.Statistics.Timestamp); err != nil {
		t.Errorf("Statistics.Timestamp: %v", err)
	}
	s.kill(p)
	s.expectExitCode(p.Pid(), 137)
}

func hasPid(list []schema.ProcessDetails, pid uint32) bool {
	for _, d := range list {
		if d.ProcessId == pid {
			return true
		}
	}
	return false
}

// testSave: a paused system saves its state to a file.
func testSave(t *testing.T, cfg *Config) {
	s := start(t, cfg)
	s.must("Pause", func(ctx context.Context) error { return s.sys.Pause(ctx, nil) })
	path := filepath.Join(t.TempDir(), "state.vmrs")
	opts := &schema.SaveOptions{SaveType: schema.SaveTypeToFile, SaveStateFilePath: path}
	s.must("Save", func(ctx context.Context) error { return s.sys.Save(ctx, opts) })
	if fi, err := os.Stat(path); err != nil || fi.Size() == 0 {
		t.Errorf("saved state %s: %v (want a non-empty file)", path, statResult(fi, err))
	}
}

func statResult(fi os.FileInfo, err error) any {
	if err != nil {
		return err
	}
	return fi.Size()
}
