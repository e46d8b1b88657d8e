package host_test

import (
	"context"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/linuxhcs/hcs/client"
	"github.com/linuxhcs/hcs/driver/fakedriver"
	"github.com/linuxhcs/hcs/host"
)

// A system that dies tears itself down on a goroutine of the host; Close must wait for it
// before removing the state directory that teardown still uses.
func TestCloseWaitsForTeardownBeforeRemovingState(t *testing.T) {
	release := make(chan struct{})
	var once bool
	unblock := func() {
		if !once {
			once = true
			close(release)
		}
	}
	t.Cleanup(unblock)
	drv := fakedriver.New(fakedriver.BlockOn(release, fakedriver.OpClose))
	tmp := t.TempDir()
	t.Setenv("TMPDIR", tmp) // the host's own state directory is made here
	h, err := host.New(host.Options{Container: drv, ShutdownTimeout: 5 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	c := client.New(h.Connect())
	defer c.Close()
	sys := startedOn(t, c, "dies")
	defer sys.Close()
	stateDir := onlyEntry(t, tmp)

	drv.System("dies").Die() // the host's teardown now blocks in the driver's Close
	closed := make(chan error, 1)
	go func() { closed <- h.Close(context.Background(), false) }()
	select {
	case err := <-closed:
		t.Fatalf("Close returned (%v) while the teardown of a system still ran", err)
	case <-time.After(300 * time.Millisecond):
	}
	if _, err := os.Stat(stateDir); err != nil {
		t.Fatalf("state directory removed while the teardown still ran: %v", err)
	}
	unblock()
	select {
	case err := <-closed:
		if err != nil {
			t.Fatal(err)
		}
	case <-time.After(testTimeout):
		t.Fatal("Close did not return after the teardown ended")
	}
	if _, err := os.Stat(stateDir); !os.IsNotExist(err) {
		t.Fatalf("state directory after Close: %v, want it removed", err)
	}
}

// A session opened after Close is at its end at once: no goroutine of it outlives the host.
func TestConnectAfterCloseIsClosed(t *testing.T) {
	h, err := host.New(host.Options{Container: fakedriver.New()})
	if err != nil {
		t.Fatal(err)
	}
	if err := h.Close(context.Background(), true); err != nil {
		t.Fatal(err)
	}
	s := h.Connect()
	if _, ok := <-s.Events(); ok {
		t.Fatal("event stream of a session of a closed host delivered an event")
	}
}

func onlyEntry(t *testing.T, dir string) string {
	t.Helper()
	entries, err := os.ReadDir(dir)
	if err != nil || len(entries) != 1 {
		t.Fatalf("%s holds %d entries (%v), want the host's state directory only", dir, len(entries), err)
	}
	return filepath.Join(dir, entries[0].Name())
}

func startedOn(t *testing.T, c *client.Client, id string) *client.System {
	t.Helper()
	op := client.NewOperation(nil, nil)
	defer op.Close()
	sys, err := c.CreateComputeSystem(id, containerDoc, op)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := op.Wait(ctx(t)); err != nil {
		sys.Close()
		t.Fatal(err)
	}
	if _, err := client.Do(ctx(t), func(op *client.Operation) error { return sys.Start(op, "") }); err != nil {
		sys.Close()
		t.Fatal(err)
	}
	return sys
}
