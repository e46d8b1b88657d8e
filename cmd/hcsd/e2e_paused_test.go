package main

import (
	"context"
	"encoding/json"
	"os/exec"
	"path/filepath"
	"testing"

	"github.com/linuxhcs/hcs/client"
	"github.com/linuxhcs/hcs/internal/hcsdtest"
	"github.com/linuxhcs/hcs/internal/testlayer"
	"github.com/linuxhcs/hcs/internal/testutil"
	"github.com/linuxhcs/hcs/schema"
)

// TestHcsdServesWhileARecoveredContainerIsFrozen kills hcsd while a container is paused: the
// restarted service must answer at once (its recovery cannot wait on the frozen agent), list
// the container as Paused, resume it and run a process in it.
func TestHcsdServesWhileARecoveredContainerIsFrozen(t *testing.T) {
	testutil.RequireRoot(t)
	layer, err := testlayer.Busybox()
	if err != nil {
		t.Fatal(err)
	}
	d := &daemonRun{hcsdtest.New(t, hcsdtest.Options{Bin: buildBinaries(t), Name: "frozen", Runtime: "runc"}), "runc"}
	rw := filepath.Join(t.TempDir(), "rw")
	var rid string // the runtime's name for the container, once it exists
	t.Cleanup(func() {
		if rid == "" {
			return
		}
		// A failure may leave the container frozen: thaw it so it can be removed.
		exec.Command(d.runtime, "--root", d.stateRoot(), "resume", rid).Run()
		d.removeContainer(t, rid, rw)
	})
	d.start(t)
	c := d.dial(t)
	ctx, cancel := context.WithTimeout(context.Background(), e2eTimeout)
	defer cancel()
	sys := runBusybox(t, c, "frozen", layer, rw)
	rid = d.runtimeID(t, "frozen")
	if _, err := client.Do(ctx, func(op *client.Operation) error { return sys.Pause(op, "") }); err != nil {
		t.Fatal(err)
	}

	d.Kill()
	d.start(t) // returns once the new hcsd answers, or fails after hcsdtest.Timeout
	c2 := d.dial(t)
	if st := listedState(t, ctx, c2, "frozen"); st != schema.StatePaused {
		t.Fatalf("the paused container is listed as %q after the restart", st)
	}
	again, err := c2.OpenComputeSystem(t.Context(), "frozen", client.GenericAll)
	if err != nil {
		t.Fatal(err)
	}
	defer again.Close()
	if _, err := client.Do(ctx, func(op *client.Operation) error { return again.Resume(op, "") }); err != nil {
		t.Fatalf("Resume after the restart: %v", err)
	}
	useAgain(t, c2, "frozen")
	d.stop(t)
}

// listedState enumerates the systems and returns the state listed for id ("" when absent).
func listedState(t *testing.T, ctx context.Context, c *client.Client, id string) schema.State {
	t.Helper()
	doc, err := client.Do(ctx, func(op *client.Operation) error { return c.EnumerateComputeSystems("", op) })
	if err != nil {
		t.Fatal(err)
	}
	var list []schema.Properties
	if err := json.Unmarshal([]byte(doc), &list); err != nil {
		t.Fatalf("enumeration %s: %v", doc, err)
	}
	for _, p := range list {
		if p.Id == id {
			return p.State
		}
	}
	return ""
}
