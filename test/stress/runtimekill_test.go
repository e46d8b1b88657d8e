//go:build stress

package stress

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/linuxhcs/hcs/client"
)

// wrapperScript runs the real runtime (%[1]s) in place of itself, after arranging, when the
// control file (%[2]s) names one of its arguments, for it to be SIGKILLed that long after it
// starts: "VERB SECONDS". The file is then removed: one invocation is killed, as when the
// runtime crashes once, and the service's own retries run undisturbed.
const wrapperScript = `#!/bin/sh
if [ -f %[2]q ]; then
	read verb delay < %[2]q
	for a in "$@"; do
		if [ "$a" = "$verb" ] && rm %[2]q 2>/dev/null; then
			(sleep "$delay"; kill -9 $$) </dev/null >/dev/null 2>&1 &
			break
		fi
	done
fi
exec %[1]q "$@"
`

// wrapRuntimes puts scripts named runc and crun first on hcsd's PATH (wrapperScript) and
// returns their control file.
func wrapRuntimes(s *service) string {
	dir := filepath.Join(s.work, "runtimes")
	ctl := filepath.Join(s.work, "kill-runtime")
	if err := os.Mkdir(dir, 0o755); err != nil {
		s.t.Fatal(err)
	}
	for _, rt := range []string{"runc", "crun"} {
		real, err := exec.LookPath(rt)
		if err != nil {
			s.t.Fatal(err)
		}
		script := fmt.Sprintf(wrapperScript, real, ctl)
		if err := os.WriteFile(filepath.Join(dir, rt), []byte(script), 0o755); err != nil {
			s.t.Fatal(err)
		}
	}
	s.env = append(s.env, "PATH="+dir+":"+os.Getenv("PATH"))
	return ctl
}

// runtimeCalls drive a container to the call whose runtime invocation (the verb) is killed,
// and make that call. They return the system, if one was created, and the call's error.
var runtimeCalls = []struct {
	verb string
	call func(ctx context.Context, c *client.Client, id, rw string, armed func()) (*client.System, error)
}{
	{"run", func(ctx context.Context, c *client.Client, id, rw string, armed func()) (*client.System, error) {
		sys, err := create(ctx, c, id, rw)
		if err != nil {
			return nil, err
		}
		armed()
		return sys, start(ctx, sys)
	}},
	{"pause", func(ctx context.Context, c *client.Client, id, rw string, armed func()) (*client.System, error) {
		sys, err := runContainer(ctx, c, id, rw)
		if err != nil {
			return nil, err
		}
		armed()
		return sys, pause(ctx, sys)
	}},
	{"resume", func(ctx context.Context, c *client.Client, id, rw string, armed func()) (*client.System, error) {
		sys, err := runContainer(ctx, c, id, rw)
		if err == nil {
			err = pause(ctx, sys)
		}
		if err != nil {
			return sys, err
		}
		armed()
		return sys, resume(ctx, sys)
	}},
	{"delete", func(ctx context.Context, c *client.Client, id, rw string, armed func()) (*client.System, error) {
		sys, err := runContainer(ctx, c, id, rw)
		if err != nil {
			return nil, err
		}
		armed()
		return sys, terminate(ctx, sys)
	}},
}

// TestRuntimeKilledMidCall SIGKILLs the OCI runtime at several moments of each call that
// runs it (run at Start, pause, resume, delete at the release after Terminate). Every call
// answers before its deadline; a system whose call failed is either still usable or
// reported ended; and once the runtime is left alone, nothing of it remains.
func TestRuntimeKilledMidCall(t *testing.T) {
	eachRuntime(t, func(t *testing.T, runtime string) {
		var ctl string
		s := newService(t, runtime, func(s *service) { ctl = wrapRuntimes(s) })
		c := s.dial()
		defer c.Close()
		idle := s.settledCensus(nil) // with the client connected
		for _, rc := range runtimeCalls {
			for i, delay := range delays {
				id := fmt.Sprintf("r-%s-%d", rc.verb, i)
				arm := func() {
					line := fmt.Sprintf("%s %.4f\n", rc.verb, delay.Seconds())
					if err := os.WriteFile(ctl, []byte(line), 0o644); err != nil {
						t.Fatal(err)
					}
				}
				sys, err := rc.call(ctx(t), c, id, s.writable(id), arm)
				os.Remove(ctl)
				if errors.Is(err, context.DeadlineExceeded) {
					t.Errorf("%s killed after %v: the call hung: %v", rc.verb, delay, err)
				}
				what := fmt.Sprintf("%s killed after %v (call: %v)", rc.verb, delay, err)
				if sys != nil {
					s.settle(t, c, sys, what)
					sys.Close()
				}
				if diff := s.settledCensus(idle).Diff(idle); len(diff) > 0 {
					t.Fatalf("%s: the census differs from the baseline:\n%s", what, strings.Join(diff, "\n"))
				}
			}
		}
	})
}

// settle ends a system after a fault: whatever state the fault left it in, Terminate (or
// the end the fault caused) must bring it down within the deadline.
func (s *service) settle(t *testing.T, c *client.Client, sys *client.System, what string) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), callTimeout)
	defer cancel()
	client.Do(ctx, func(op *client.Operation) error { return sys.Resume(op, "") })
	client.Do(ctx, func(op *client.Operation) error { return sys.Terminate(op, "") })
	if _, err := sys.WaitForExit(ctx); err != nil {
		t.Errorf("%s: the system does not end: %v", what, err)
	}
}
