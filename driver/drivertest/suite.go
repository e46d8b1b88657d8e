// Package drivertest is the conformance suite every driver.Driver must pass: the container
// driver, the VM driver and the fake used by the host core's tests. A driver's test calls
// Run with a Config that says how to make a valid system for it and which shell exists
// inside; every subtest creates its own system, bounds every call and wait with a timeout
// (so a broken driver fails rather than hangs) and cleans up with t.Cleanup even on
// failure. After every subtest the suite checks that Exited came at most once and
// each process's exit at most once.
//
// The subtests, by name (the keys of Config.Skip):
//
//   - Terminate, Shutdown, Crash: the system reports Exited exactly once (Terminate and
//     Shutdown not as a crash: the host decides the exit type); a crash is reported
//     through Crashed.
//   - Stdout, LargeStdout, ExitCode, Stdin, Stderr, Environment, WorkingDirectory:
//     exact bytes (up to 2 MiB) through pipes, exit codes, environment and directory.
//   - FastExits: processes that exit at once, started several at a time, each report
//     their exit to their own ProcessRequest.OnExit exactly once with their own code, even
//     when the exit comes before CreateProcess returned.
//   - Signal, Kill: SIGTERM gives exit code 143, Kill gives 137.
//   - Console: a process on a pty sees a size set on the master after it started.
//   - PauseResume: a counter stops while paused and continues after resume.
//   - Properties: ProcessList holds a running pid; Statistics has a Timestamp.
//   - MissingBinary: see below.
//   - ProcessesExitWithSystem, CloseAfterStop, CloseWithoutStart: every process's exit
//     is reported when the system stops, no descendant keeps its stdio open, and Close
//     works after a stop (twice without hanging) and without a start.
//   - Save: a paused system saves its state to SaveStateFilePath.
//
// Missing binaries: CreateProcess of a command that does not exist must fail with an
// error. A driver whose agent can only report this as a process exiting with 127 (as a
// shell does) sets Config.MissingBinaryExits127, and the suite then accepts that too.
package drivertest

import (
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/linuxhcs/hcs/driver"
	"github.com/linuxhcs/hcs/schema"
)

// DefaultTimeout bounds each driver call and each wait for an event when Config.Timeout is
// zero. It is generous because VM drivers may boot under TCG.
const DefaultTimeout = 60 * time.Second

// DefaultPath is the PATH the suite gives every process it creates.
const DefaultPath = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"

// settle is how long the suite watches for events that must not happen (a second Exited,
// output from a paused system).
const settle = 300 * time.Millisecond

// Config describes the driver under test.
type Config struct {
	// Driver is the driver under test.
	Driver driver.Driver
	// NewConfig returns a valid ComputeSystem for this driver, with whatever root
	// filesystem it needs; it is called once per subtest.
	NewConfig func(t *testing.T) *schema.ComputeSystem
	// Shell runs a script inside the system when the script is appended as the last
	// argument, e.g. {"/bin/sh", "-c"}. The system must also provide printf, cat, sleep,
	// pwd, stty, true and false (coreutils or busybox).
	Shell []string
	// Skip maps a subtest name to the reason the driver lacks that capability (e.g.
	// "Save": "checkpoint needs CRIU"). Naming a subtest that does not exist is an error.
	Skip map[string]string
	// MissingBinaryExits127 accepts a missing binary being reported as exit code 127
	// instead of an error from CreateProcess.
	MissingBinaryExits127 bool
	// Timeout replaces DefaultTimeout.
	Timeout time.Duration
}

func (c *Config) timeout() time.Duration {
	if c.Timeout > 0 {
		return c.Timeout
	}
	return DefaultTimeout
}

// subtest is one conformance check.
type subtest struct {
	name string
	fn   func(t *testing.T, cfg *Config)
}

// Run runs the conformance suite against cfg.Driver, one subtest per capability.
func Run(t *testing.T, cfg Config) {
	if cfg.Driver == nil || cfg.NewConfig == nil || len(cfg.Shell) == 0 {
		t.Fatal("drivertest: Config needs Driver, NewConfig and Shell")
	}
	tests := subtests()
	for name := range cfg.Skip {
		if !slices.ContainsFunc(tests, func(st subtest) bool { return st.name == name }) {
			t.Errorf("drivertest: Config.Skip names unknown subtest %q", name)
		}
	}
	for _, st := range tests {
		t.Run(st.name, func(t *testing.T) {
			if reason, ok := cfg.Skip[st.name]; ok {
				t.Skip(reason)
			}
			st.fn(t, &cfg)
		})
	}
}

// Subtests returns the names of the suite's subtests, in the order Run runs them.
func Subtests() []string {
	var names []string
	for _, st := range subtests() {
		names = append(names, st.name)
	}
	return names
}

func subtests() []subtest {
	return []subtest{
		{"Terminate", testTerminate},
		{"Shutdown", testShutdown},
		{"Crash", testCrash},
		{"Stdout", testStdout},
		{"LargeStdout", testLargeStdout},
		{"ExitCode", testExitCode},
		{"FastExits", testFastExits},
		{"Stdin", testStdin},
		{"Stderr", testStderr},
		{"Environment", testEnvironment},
		{"WorkingDirectory", testWorkingDirectory},
		{"Signal", testSignal},
		{"Kill", testKill},
		{"Console", testConsole},
		{"PauseResume", testPauseResume},
		{"Properties", testProperties},
		{"MissingBinary", testMissingBinary},
		{"ProcessesExitWithSystem", testProcessesExitWithSystem},
		{"CloseAfterStop", testCloseAfterStop},
		{"CloseWithoutStart", testCloseWithoutStart},
		{"Save", testSave},
	}
}

// errHung marks a driver call that ignored its context and did not return in time.
var errHung = errors.New("did not return in time (does it ignore its context?)")

// call runs fn with a context bounded by the timeout. When fn has not returned a little
// after the deadline, call gives up on it and returns an error wrapping errHung.
func (c *Config) call(what string, fn func(ctx context.Context) error) error {
	ctx, cancel := context.WithTimeout(context.Background(), c.timeout())
	defer cancel()
	errc := make(chan error, 1)
	go func() { errc <- fn(ctx) }()
	grace := time.NewTimer(c.timeout() + 5*time.Second)
	defer grace.Stop()
	select {
	case err := <-errc:
		return err
	case <-grace.C:
		return fmt.Errorf("%s: %w", what, errHung)
	}
}

// newID returns a fresh compute-system id derived from the test's name.
func newID(t *testing.T) string {
	var b strings.Builder
	b.WriteString("dt-")
	name := t.Name()
	if i := strings.LastIndexByte(name, '/'); i >= 0 {
		name = name[i+1:]
	}
	for _, r := range strings.ToLower(name) {
		if r >= 'a' && r <= 'z' || r >= '0' && r <= '9' {
			b.WriteRune(r)
		}
	}
	b.WriteByte('-')
	b.WriteString(strings.ToLower(rand.Text()[:10]))
	return b.String()
}
