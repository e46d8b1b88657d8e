//go:build stress

package stress

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"testing"

	"github.com/linuxhcs/hcs/client"
	"github.com/linuxhcs/hcs/hresult"
)

// containerDoc is a busybox container on the writable layer rw.
func containerDoc(rw string) string {
	return fmt.Sprintf(`{"SchemaVersion":{"Major":2,"Minor":1},"Owner":"stress","Container":{"Storage":{"Layers":[{"Id":"00000000-0000-0000-0000-000000000001","Path":%q}],"Path":%q}}}`, layer, rw)
}

// writable returns a fresh writable layer path for id below the service's work directory.
func (s *service) writable(id string) string {
	dir, err := os.MkdirTemp(s.work, id+"-")
	if err != nil {
		s.t.Fatal(err)
	}
	return filepath.Join(dir, "rw")
}

// create creates a busybox container named id.
func create(ctx context.Context, c *client.Client, id, rw string) (*client.System, error) {
	var sys *client.System
	_, err := client.Do(ctx, func(op *client.Operation) (err error) {
		sys, err = c.CreateComputeSystem(id, containerDoc(rw), op)
		return err
	})
	return sys, err
}

// start, pause, resume and terminate run one lifecycle call and wait for its result.
func start(ctx context.Context, sys *client.System) error {
	_, err := client.Do(ctx, func(op *client.Operation) error { return sys.Start(op, "") })
	return err
}

func pause(ctx context.Context, sys *client.System) error {
	_, err := client.Do(ctx, func(op *client.Operation) error { return sys.Pause(op, "") })
	return err
}

func resume(ctx context.Context, sys *client.System) error {
	_, err := client.Do(ctx, func(op *client.Operation) error { return sys.Resume(op, "") })
	return err
}

// terminate ends the system and waits until the service reports it gone.
func terminate(ctx context.Context, sys *client.System) error {
	if _, err := client.Do(ctx, func(op *client.Operation) error { return sys.Terminate(op, "") }); err != nil {
		return err
	}
	_, err := sys.WaitForExit(ctx)
	return err
}

// run runs args in the system and returns what it wrote to standard output once it exited.
func run(ctx context.Context, sys *client.System, args ...string) (string, error) {
	params, _ := json.Marshal(map[string]any{"CommandArgs": args, "CreateStdOutPipe": true})
	var p *client.Process
	info, _, err := client.DoProcess(ctx, func(op *client.Operation) (err error) {
		p, err = sys.CreateProcess(string(params), op)
		return err
	})
	if err != nil {
		return "", err
	}
	defer p.Close()
	out, err := io.ReadAll(info.StdOutput)
	info.StdOutput.Close()
	if err != nil {
		return "", err
	}
	if _, err := p.WaitForExit(ctx); err != nil {
		return "", err
	}
	return string(out), nil
}

// spawn starts args in the system and leaves it running.
func spawn(ctx context.Context, sys *client.System, args ...string) (*client.Process, error) {
	params, _ := json.Marshal(map[string]any{"CommandArgs": args})
	var p *client.Process
	_, _, err := client.DoProcess(ctx, func(op *client.Operation) (err error) {
		p, err = sys.CreateProcess(string(params), op)
		return err
	})
	return p, err
}

// runContainer creates and starts id and checks that it runs a process.
func runContainer(ctx context.Context, c *client.Client, id, rw string) (*client.System, error) {
	sys, err := create(ctx, c, id, rw)
	if err != nil {
		return nil, fmt.Errorf("create %s: %w", id, err)
	}
	if err := start(ctx, sys); err != nil {
		sys.Close()
		return nil, fmt.Errorf("start %s: %w", id, err)
	}
	if err := echo(ctx, sys, id); err != nil {
		sys.Close()
		return nil, err
	}
	return sys, nil
}

// echo checks that the system runs a process that writes word.
func echo(ctx context.Context, sys *client.System, word string) error {
	out, err := run(ctx, sys, "/bin/echo", word)
	if err != nil {
		return fmt.Errorf("a process in %s: %w", sys.ID(), err)
	}
	if out != word+"\n" {
		return fmt.Errorf("a process in %s wrote %q, want %q", sys.ID(), out, word+"\n")
	}
	return nil
}

// lifecycle runs one whole life of a container: create, start, a process, terminate, close.
func lifecycle(ctx context.Context, c *client.Client, id, rw string) error {
	sys, err := runContainer(ctx, c, id, rw)
	if err != nil {
		return err
	}
	defer sys.Close()
	if err := terminate(ctx, sys); err != nil {
		return fmt.Errorf("terminate %s: %w", id, err)
	}
	return nil
}

// listed returns the state of every system the service lists, by id.
func listed(ctx context.Context, c *client.Client) (map[string]string, error) {
	doc, err := client.Do(ctx, func(op *client.Operation) error { return c.EnumerateComputeSystems("", op) })
	if err != nil {
		return nil, err
	}
	var systems []struct{ Id, State string }
	if err := json.Unmarshal([]byte(doc), &systems); err != nil {
		return nil, fmt.Errorf("%v: %s", err, doc)
	}
	states := map[string]string{}
	for _, s := range systems {
		states[s.Id] = s.State
	}
	return states, nil
}

// useAndEnd takes a listed system through what its state allows (start when created,
// resume when paused), checks that it runs a process, then terminates it: the check every
// system passes after a fault.
func useAndEnd(ctx context.Context, c *client.Client, id, state string) (err error) {
	sys, err := c.OpenComputeSystem(ctx, id, client.GenericAll)
	if err != nil {
		return fmt.Errorf("listed %s but cannot be opened: %w", state, err)
	}
	defer sys.Close()
	defer func() {
		if err != nil { // still end it, so that one failure does not spill into the next check
			terminate(ctx, sys)
		}
	}()
	switch state {
	case "Created":
		err = start(ctx, sys)
	case "Paused":
		err = resume(ctx, sys)
	case "Running":
	default:
		return fmt.Errorf("listed in state %q", state)
	}
	if err != nil {
		return fmt.Errorf("%s: %w", state, err)
	}
	if err := echo(ctx, sys, "after"); err != nil {
		return err
	}
	if err := terminate(ctx, sys); err != nil {
		return fmt.Errorf("terminate: %w", err)
	}
	return nil
}

// checkAll runs useAndEnd on every listed system and reports each failure.
func checkAll(t *testing.T, c *client.Client) map[string]string {
	t.Helper()
	states, err := listed(ctx(t), c)
	if err != nil {
		t.Fatalf("listing the systems: %v", err)
	}
	for id, state := range states {
		if err := useAndEnd(ctx(t), c, id, state); err != nil {
			t.Errorf("system %s: %v", id, err)
		}
	}
	return states
}

// disconnected reports whether err is what a call gets when the service went away.
func disconnected(err error) bool { return hresult.Is(err, hresult.HCS_E_SERVICE_DISCONNECT) }
