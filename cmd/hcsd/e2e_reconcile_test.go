package main

import (
	"context"
	"encoding/json"
	"fmt"
	"os/exec"
	"path/filepath"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/linuxhcs/hcs/client"
	"github.com/linuxhcs/hcs/driver/container"
	"github.com/linuxhcs/hcs/internal/faultpoint"
)

// TestHcsdKilledDuringConcurrentStarts kills hcsd while several starts are under way, each
// stopped right after the runtime ran its container and before the driver recorded the init.
// One container's init is killed too, leaving a stopped runtime entry behind. After the
// restart every system must be usable: the running ones adopted as Running, the other
// Created and startable.
func TestHcsdKilledDuringConcurrentStarts(t *testing.T) {
	withEachRuntime(t, killDuringStarts)
}

func killDuringStarts(t *testing.T, d *daemonRun, layer string) {
	ids := []string{"starting-0", "starting-1", "starting-2"}
	rws := map[string]string{}
	for _, id := range ids {
		rws[id] = filepath.Join(t.TempDir(), "rw")
	}
	rids := map[string]string{} // the runtime's names, recorded by the driver at create
	t.Cleanup(func() {
		for _, id := range ids {
			if rids[id] != "" {
				d.removeContainer(t, rids[id], rws[id])
			}
		}
	})
	t.Setenv(faultpoint.Env, faultpoint.Setting("hang", container.StepRuntimeRan))
	d.start(t)
	startAllAndKill(t, d, layer, ids, rws, rids, ids[2])

	t.Setenv(faultpoint.Env, "")
	d.start(t)
	c := d.dial(t)
	states := listStates(t, c)
	for _, id := range ids[:2] {
		if states[id] != "Running" {
			t.Errorf("%s is %q after the restart, want Running (its init runs)", id, states[id])
		}
	}
	if states[ids[2]] != "Created" {
		t.Errorf("%s is %q after the restart, want Created (its init died)", ids[2], states[ids[2]])
	}
	if t.Failed() {
		t.FailNow()
	}
	startAgain(t, c, ids[2])
	for _, id := range ids {
		useAgain(t, c, id)
	}
	d.stop(t)
}

// startAllAndKill creates the systems, starts them all at once, waits until the runtime
// runs each (killing the init of dead), then kills hcsd.
// It fills rids with the runtime's name of each container.
func startAllAndKill(t *testing.T, d *daemonRun, layer string, ids []string, rws, rids map[string]string, dead string) {
	c, err := d.Dial()
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	ctx, cancel := context.WithTimeout(context.Background(), e2eTimeout)
	defer cancel()
	var wg sync.WaitGroup
	for _, id := range ids {
		doc := fmt.Sprintf(`{"Container":{"Storage":{"Layers":[{"Path":%q}],"Path":%q}}}`, layer, rws[id])
		var sys *client.System
		if _, err := client.Do(ctx, func(op *client.Operation) (err error) { sys, err = c.CreateComputeSystem(id, doc, op); return err }); err != nil {
			t.Fatal(err)
		}
		rids[id] = d.runtimeID(t, id)
		wg.Add(1)
		go func() {
			defer wg.Done()
			client.Do(ctx, func(op *client.Operation) error { return sys.Start(op, "") }) // ends when hcsd dies
		}()
	}
	for _, id := range ids {
		pid := d.awaitRunning(t, rids[id])
		if id == dead {
			syscall.Kill(pid, syscall.SIGKILL)
		}
	}
	d.Kill()
	wg.Wait()
}

// awaitRunning waits until the runtime reports the container running and returns its init.
func (d *daemonRun) awaitRunning(t *testing.T, rid string) int {
	deadline := time.Now().Add(e2eTimeout)
	for time.Now().Before(deadline) {
		out, err := exec.Command(d.runtime, "--root", d.stateRoot(), "state", rid).Output()
		var st struct {
			Status string `json:"status"`
			Pid    int    `json:"pid"`
		}
		if err == nil && json.Unmarshal(out, &st) == nil && st.Status == "running" {
			return st.Pid
		}
		time.Sleep(20 * time.Millisecond)
	}
	t.Fatalf("the runtime never ran %s", rid)
	return 0
}

// listStates returns the state of every system the service lists, by id.
func listStates(t *testing.T, c *client.Client) map[string]string {
	ctx, cancel := context.WithTimeout(context.Background(), e2eTimeout)
	defer cancel()
	doc, err := client.Do(ctx, func(op *client.Operation) error { return c.EnumerateComputeSystems("", op) })
	if err != nil {
		t.Fatal(err)
	}
	var systems []struct{ Id, State string }
	if err := json.Unmarshal([]byte(doc), &systems); err != nil {
		t.Fatalf("%v: %s", err, doc)
	}
	states := map[string]string{}
	for _, s := range systems {
		states[s.Id] = s.State
	}
	return states
}

// startAgain opens a created system and starts it.
func startAgain(t *testing.T, c *client.Client, id string) {
	ctx, cancel := context.WithTimeout(context.Background(), e2eTimeout)
	defer cancel()
	sys, err := c.OpenComputeSystem(ctx, id, client.GenericAll)
	if err != nil {
		t.Fatal(err)
	}
	defer sys.Close()
	if _, err := client.Do(ctx, func(op *client.Operation) error { return sys.Start(op, "") }); err != nil {
		t.Fatalf("starting %s after the restart: %v", id, err)
	}
}
