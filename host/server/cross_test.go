package server_test

import (
	"encoding/json"
	"io"
	"strings"
	"testing"
	"time"

	"github.com/linuxhcs/hcs/client"
	"github.com/linuxhcs/hcs/hresult"
	"github.com/linuxhcs/hcs/schema"
	"github.com/linuxhcs/hcs/wire"
)

// Connections stand for client processes: what one creates, another can use.
func TestSystemsAreSharedAcrossConnections(t *testing.T) {
	d := startDaemon(t, daemonConfig{})
	a, b := d.dial(t), d.dial(t)
	sysA := started(t, a, "shared")
	exited := make(events, 8)
	if err := sysA.SetCallback(client.EventOptionNone, exited.callback); err != nil {
		t.Fatal(err)
	}
	doc := mustDo(t, func(op *client.Operation) error { return b.EnumerateComputeSystems(`{"Ids":["shared"]}`, op) })
	if !strings.Contains(doc, `"Id":"shared"`) {
		t.Fatalf("b does not see a's system: %s", doc)
	}
	sysB, err := b.OpenComputeSystem(t.Context(), "shared", client.GenericAll)
	if err != nil {
		t.Fatal(err)
	}
	defer sysB.Close()
	if got := state(t, sysB); got != "Running" {
		t.Fatalf("state seen by b = %s", got)
	}
	p, info := spawn(t, sysB, "echo from b", false, true)
	if out, _ := io.ReadAll(info.StdOutput); string(out) != "from b\n" {
		t.Fatalf("b's process wrote %q", out)
	}
	exitStatus(t, p)
	mustDo(t, func(op *client.Operation) error { return sysB.Terminate(op, "") })
	exited.until(t, client.EventSystemExited) // a hears of what b did
}

func TestClosingHandlesDoesNotStopSystems(t *testing.T) {
	d := startDaemon(t, daemonConfig{})
	a := d.dial(t)
	started(t, a, "kept")
	a.Close() // closes a's handle, and a's connection
	b := d.dial(t)
	sys, err := b.OpenComputeSystem(t.Context(), "kept", client.GenericAll)
	if err != nil {
		t.Fatal(err)
	}
	defer sys.Close()
	if got := state(t, sys); got != "Running" {
		t.Fatalf("state after its creator left = %s", got)
	}
}

func TestLastHandleAnywhereTerminates(t *testing.T) {
	d := startDaemon(t, daemonConfig{})
	a, b := d.dial(t), d.dial(t)
	sysA := create(t, a, "last", `{"Container":{},"ShouldTerminateOnLastHandleClosed":true}`)
	mustDo(t, func(op *client.Operation) error { return sysA.Start(op, "") })
	sysB, err := b.OpenComputeSystem(t.Context(), "last", client.GenericAll)
	if err != nil {
		t.Fatal(err)
	}
	a.Close()
	time.Sleep(50 * time.Millisecond)
	if got := state(t, sysB); got != "Running" {
		t.Fatalf("state while b still holds a handle = %s", got)
	}
	sysB.Close()
	waitGone(t, d.dial(t), "last")
}

// A client process that dies counts as closing all of its handles.
func TestCrashedClientReleasesItsHandles(t *testing.T) {
	d := startDaemon(t, daemonConfig{})
	cmd, out := helper(t, nil, "hold", d.path, "crash-last", "crash-kept")
	if line := helperLine(t, out); line != "ready" {
		t.Fatalf("helper: %s", line)
	}
	cmd.Process.Kill()
	cmd.Wait()
	c := d.dial(t)
	waitGone(t, c, "crash-last")
	sys, err := c.OpenComputeSystem(t.Context(), "crash-kept", client.GenericAll)
	if err != nil {
		t.Fatal(err)
	}
	defer sys.Close()
	if got := state(t, sys); got != "Running" {
		t.Fatalf("a system without ShouldTerminateOnLastHandleClosed is %s after its creator died", got)
	}
}

// waitGone waits until id is stopped or forgotten.
func waitGone(t *testing.T, c *client.Client, id string) {
	t.Helper()
	deadline := time.Now().Add(testTimeout)
	for {
		doc := mustDo(t, func(op *client.Operation) error { return c.EnumerateComputeSystems(`{"Ids":["`+id+`"]}`, op) })
		var list []schema.Properties
		if err := json.Unmarshal([]byte(doc), &list); err != nil {
			t.Fatal(err)
		}
		if len(list) == 0 || list[0].State == schema.StateStopped {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("%s still %s", id, list[0].State)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

func TestHandlesAreScopedToTheirConnection(t *testing.T) {
	d := startDaemon(t, daemonConfig{})
	a, b := rawDial(t, d.path), rawDial(t, d.path)
	const mine wire.Ref = 1
	if _, _, err := a.Call(ctx(t), wire.MethodCreateSystem, &wire.Args{NewRef: mine, ID: "mine", Document: containerDoc}); err != nil {
		t.Fatal(err)
	}
	// b presents a's reference: it names nothing in b's session.
	for _, m := range []wire.Method{wire.MethodSystemProperties, wire.MethodCloseSystem} {
		_, _, err := b.Call(ctx(t), m, &wire.Args{Ref: mine})
		wantCode(t, err, hresult.ERROR_INVALID_HANDLE)
	}
	if _, _, err := a.Call(ctx(t), wire.MethodSystemProperties, &wire.Args{Ref: mine}); err != nil {
		t.Fatalf("a's own handle: %v", err)
	}
}
