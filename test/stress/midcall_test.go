//go:build stress

package stress

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"syscall"
	"testing"
	"time"

	"github.com/linuxhcs/hcs/client"
	"github.com/linuxhcs/hcs/internal/testutil"
)

// delays are how long after a call begins its agent or runtime is killed.
var delays = []time.Duration{0, 500 * time.Microsecond, time.Millisecond, 2 * time.Millisecond,
	5 * time.Millisecond, 10 * time.Millisecond, 20 * time.Millisecond}

// agentCalls are calls that need a container's agent, each on a running container with one
// process (p) in it.
var agentCalls = map[string]func(ctx context.Context, sys *client.System, p *client.Process) error{
	"create-process": func(ctx context.Context, sys *client.System, _ *client.Process) error {
		_, err := run(ctx, sys, "/bin/echo", "x")
		return err
	},
	"signal-process": func(ctx context.Context, _ *client.System, p *client.Process) error {
		_, err := client.Do(ctx, func(op *client.Operation) error { return p.Signal(op, `{"Signal":15}`) })
		return err
	},
	"process-list": func(ctx context.Context, sys *client.System, _ *client.Process) error {
		_, err := client.Do(ctx, func(op *client.Operation) error { return sys.GetProperties(op, `{"PropertyTypes":["ProcessList"]}`) })
		return err
	},
	"pause": func(ctx context.Context, sys *client.System, _ *client.Process) error { return pause(ctx, sys) },
	"wait-process": func(ctx context.Context, _ *client.System, p *client.Process) error {
		_, err := p.WaitForExit(ctx)
		return err
	},
}

// TestAgentKilledMidCall kills a container's agent (its init) at several moments of each
// call that needs it. Every call answers, with its result or an error, before its deadline;
// the container is reported ended and released; nothing is left.
func TestAgentKilledMidCall(t *testing.T) {
	eachRuntime(t, func(t *testing.T, runtime string) {
		s := newService(t, runtime)
		c := s.dial()
		defer c.Close()
		for name, call := range agentCalls {
			for i, delay := range delays {
				id := fmt.Sprintf("a-%s-%d", name, i)
				sys, err := runContainer(ctx(t), c, id, s.writable(id))
				if err != nil {
					t.Fatal(err)
				}
				p, err := spawn(ctx(t), sys, "/bin/sleep", "1000")
				if err != nil {
					t.Fatal(err)
				}
				init := s.initPid(t, id)
				done := make(chan error, 1)
				go func() { done <- call(ctx(t), sys, p) }()
				time.Sleep(delay)
				if err := syscall.Kill(init, syscall.SIGKILL); err != nil {
					t.Fatalf("killing the agent of %s: %v", id, err)
				}
				if err := <-done; err != nil && errors.Is(err, context.DeadlineExceeded) {
					t.Errorf("%s, agent killed after %v: the call hung: %v", name, delay, err)
				}
				if name == "pause" {
					// A frozen process dies of SIGKILL only once thawed (the cgroup v1
					// freezer), so a pause that won the race leaves the kill pending.
					resume(ctx(t), sys)
				}
				if _, err := sys.WaitForExit(ctx(t)); err != nil {
					t.Errorf("%s, agent killed after %v: the container was not reported ended: %v", name, delay, err)
				}
				p.Close()
				sys.Close()
			}
		}
	})
}

// initPid returns the pid of the init (the agent) of system id, as the driver recorded it.
func (s *service) initPid(t *testing.T, id string) int {
	t.Helper()
	return testutil.ReadContainerRecord(t, filepath.Join(s.StateDir, "systems", id)).Pid
}
