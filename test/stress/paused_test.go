//go:build stress

package stress

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/linuxhcs/hcs/client"
)

// listWithin bounds the first listing after a restart: recovery never waits on a guest, so
// frozen containers do not delay it.
const listWithin = 5 * time.Second

// TestPausedAcrossRestart pauses some of a service's containers, each running a process,
// and restarts the service, killed and stopped: it answers at once, lists each container in
// its state, and the paused ones resume with their processes, which still run.
func TestPausedAcrossRestart(t *testing.T) {
	eachRuntime(t, func(t *testing.T, runtime string) {
		s := newService(t, runtime)
		for _, how := range []string{"killed", "stopped"} {
			t.Run(how, func(t *testing.T) {
				defer s.in(t)()
				want := s.pausedAndRunning(how)
				if how == "killed" {
					s.Kill()
				} else if err := s.Stop(); err != nil {
					t.Fatal(err)
				}
				s.start()
				c := s.dial()
				defer c.Close()
				ctx, cancel := context.WithTimeout(context.Background(), listWithin)
				states, err := listed(ctx, c)
				cancel()
				if err != nil {
					t.Fatalf("the restarted service does not list its systems within %v: %v", listWithin, err)
				}
				for id, state := range want {
					if states[id] != state {
						t.Errorf("%s is listed %q, want %q", id, states[id], state)
					}
					s.checkSleeperRuns(c, id, state)
				}
				checkAll(t, c)
			})
		}
	})
}

// pausedAndRunning runs four containers with a process each and pauses two; it returns
// the state each should be listed in.
func (s *service) pausedAndRunning(prefix string) map[string]string {
	s.t.Helper()
	c := s.dial()
	defer c.Close()
	want := map[string]string{}
	for i := range 4 {
		id := fmt.Sprintf("p-%s-%d", prefix, i)
		sys, err := runContainer(ctx(s.t), c, id, s.writable(id))
		if err != nil {
			s.t.Fatal(err)
		}
		if _, err := spawn(ctx(s.t), sys, "/bin/sleep", "1000"); err != nil {
			s.t.Fatal(err)
		}
		want[id] = "Running"
		if i%2 == 0 {
			if err := pause(ctx(s.t), sys); err != nil {
				s.t.Fatal(err)
			}
			want[id] = "Paused"
		}
		sys.Close()
	}
	return want
}

// checkSleeperRuns resumes id if it is paused and checks that the process it was left
// running is still listed.
func (s *service) checkSleeperRuns(c *client.Client, id, state string) {
	s.t.Helper()
	sys, err := c.OpenComputeSystem(ctx(s.t), id, client.GenericAll)
	if err != nil {
		s.t.Errorf("opening %s: %v", id, err)
		return
	}
	defer sys.Close()
	if state == "Paused" {
		if err := resume(ctx(s.t), sys); err != nil {
			s.t.Errorf("resuming %s: %v", id, err)
			return
		}
	}
	out, err := run(ctx(s.t), sys, "/bin/pidof", "sleep")
	if err != nil || out == "" || out == "0\n" {
		s.t.Errorf("the process left running in %s is gone: %q %v", id, out, err)
	}
}
