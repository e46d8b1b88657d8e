//go:build stress

package stress

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"

	"github.com/linuxhcs/hcs/client"
	"github.com/linuxhcs/hcs/internal/faultpoint"

	// The packages hcsd is made of declare their steps (faultpoint.New) when linked in.
	_ "github.com/linuxhcs/hcs/driver/container"
	_ "github.com/linuxhcs/hcs/host"
	_ "github.com/linuxhcs/hcs/storage"
)

// operations drive the calls of each operation a step belongs to (the part of its name
// before the slash), from nothing, until one of them fails.
var operations = map[string]func(ctx context.Context, c *client.Client, id, rw string) error{
	"create": func(ctx context.Context, c *client.Client, id, rw string) error {
		_, err := create(ctx, c, id, rw)
		return err
	},
	"start": func(ctx context.Context, c *client.Client, id, rw string) error {
		sys, err := create(ctx, c, id, rw)
		if err != nil {
			return err
		}
		return start(ctx, sys)
	},
	"exec": func(ctx context.Context, c *client.Client, id, rw string) error {
		return withRunning(ctx, c, id, rw, func(sys *client.System) error {
			_, err := spawn(ctx, sys, "/bin/sleep", "1000")
			return err
		})
	},
	"pause": func(ctx context.Context, c *client.Client, id, rw string) error {
		return withRunning(ctx, c, id, rw, func(sys *client.System) error { return pause(ctx, sys) })
	},
	"resume": func(ctx context.Context, c *client.Client, id, rw string) error {
		return withRunning(ctx, c, id, rw, func(sys *client.System) error {
			if err := pause(ctx, sys); err != nil {
				return err
			}
			return resume(ctx, sys)
		})
	},
	"terminate": terminateRunning,
	"close":     terminateRunning,
}

// withRunning runs a container and then call on it.
func withRunning(ctx context.Context, c *client.Client, id, rw string, call func(*client.System) error) error {
	sys, err := runContainer(ctx, c, id, rw)
	if err != nil {
		return err
	}
	return call(sys)
}

func terminateRunning(ctx context.Context, c *client.Client, id, rw string) error {
	return withRunning(ctx, c, id, rw, func(sys *client.System) error { return terminate(ctx, sys) })
}

// TestKillAtEachStep SIGKILLs hcsd at each named step of create, start, exec, pause, resume,
// terminate and the release after it, restarts it, and checks every system it lists: each
// can be taken on (started, resumed), runs a process and is terminated; the id can then be
// used again; and the census is what it was.
func TestKillAtEachStep(t *testing.T) {
	eachRuntime(t, func(t *testing.T, runtime string) {
		s := newService(t, runtime)
		for _, step := range faultpoint.All("") {
			op, _, _ := strings.Cut(step, "/")
			drive := operations[op]
			if drive == nil {
				continue // import: TestKillDuringImport
			}
			t.Run(step, func(t *testing.T) { s.killAt(t, step, drive) })
		}
	})
}

// killAt runs drive with hcsd set to die at step, then checks what the restarted hcsd has.
func (s *service) killAt(t *testing.T, step string, drive func(context.Context, *client.Client, string, string) error) {
	defer s.in(t)()
	id := "k-" + strings.NewReplacer("/", "-").Replace(step)
	s.restart(killEnv(step))
	c := s.dial()
	err := drive(ctx(t), c, id, s.writable(id))
	c.Close()
	s.expectKilledAt(t, step, err)

	s.start()
	c = s.dial()
	states := checkAll(t, c)
	if op, _, _ := strings.Cut(step, "/"); op != "create" && op != "terminate" && op != "close" && states[id] == "" {
		t.Errorf("%s existed before the kill but is not listed after the restart", id)
	}
	if err := lifecycle(ctx(t), c, id, s.writable(id)); err != nil {
		t.Errorf("using the id %s again: %v", id, err)
	}
	c.Close()
	s.expectBaseline(t)
}

// killEnv is the environment entry that makes hcsd kill itself at step.
func killEnv(step string) string { return faultpoint.Env + "=" + faultpoint.Setting("kill", step) }

// expectKilledAt checks that the calls failed because hcsd died at step, by SIGKILL.
func (s *service) expectKilledAt(t *testing.T, step string, callErr error) {
	t.Helper()
	status, exited := s.AwaitExit(callTimeout)
	if !exited {
		t.Fatalf("hcsd did not die at %s (the calls returned %v); log:\n%s", step, callErr, s.Log())
	}
	var ee interface{ Sys() any }
	if !errors.As(status, &ee) || ee.Sys().(syscall.WaitStatus).Signal() != syscall.SIGKILL ||
		!strings.Contains(s.Log(), "killing the process at "+step) {
		t.Fatalf("hcsd ended with %v, not killed at %s; log:\n%s", status, step, s.Log())
	}
	if callErr == nil || !disconnected(callErr) {
		t.Fatalf("the call under way when hcsd died returned %v, want HCS_E_SERVICE_DISCONNECT", callErr)
	}
}

// expectBaseline checks that the idle service's census is back to its baseline.
func (s *service) expectBaseline(t *testing.T) {
	t.Helper()
	if diff := s.settledCensus(s.baseline).Diff(s.baseline); len(diff) > 0 {
		t.Errorf("the census differs from the baseline:\n%s", strings.Join(diff, "\n"))
	}
}

// TestKillDuringImport SIGKILLs hcsd at each step of a layer import and checks that after
// the restart the layer is either absent or whole, nothing else is left beside it, and the
// import can be done again.
func TestKillDuringImport(t *testing.T) {
	s := newService(t, runtimes()[0])
	src := filepath.Join(s.work, "src")
	for i := range 20 {
		dir := filepath.Join(src, fmt.Sprint("d", i))
		if err := os.MkdirAll(dir, 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, "f"), []byte("content"), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	for _, step := range faultpoint.All("import/") {
		t.Run(step, func(t *testing.T) {
			defer s.in(t)()
			layers, err := os.MkdirTemp(s.work, "layers-")
			if err != nil {
				t.Fatal(err)
			}
			path := filepath.Join(layers, "layer")
			s.restart(killEnv(step))
			c := s.dial()
			err = c.ImportLayer(ctx(t), path, src, "")
			c.Close()
			s.expectKilledAt(t, step, err)

			s.start()
			c = s.dial()
			s.checkLayerAfterKill(t, c, path, src)
			c.Close()
			s.expectBaseline(t)
		})
	}
}

// checkLayerAfterKill checks the layer folder an import died in, then imports it again.
func (s *service) checkLayerAfterKill(t *testing.T, c *client.Client, path, src string) {
	t.Helper()
	entries, _ := os.ReadDir(filepath.Dir(path))
	for _, e := range entries {
		if e.Name() != filepath.Base(path) {
			t.Errorf("left beside the layer after the restart: %s", e.Name())
		}
	}
	if _, err := os.Stat(path); err == nil {
		if _, err := os.Stat(filepath.Join(path, "d19", "f")); err != nil {
			t.Errorf("the layer is there but not whole: %v", err)
		}
		if err := c.DestroyLayer(ctx(t), path); err != nil {
			t.Fatalf("destroying the layer: %v", err)
		}
	}
	if err := c.ImportLayer(ctx(t), path, src, ""); err != nil {
		t.Fatalf("importing again: %v", err)
	}
	if err := c.DestroyLayer(ctx(t), path); err != nil {
		t.Fatalf("destroying the layer: %v", err)
	}
}
