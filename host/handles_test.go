package host_test

import (
	"encoding/json"
	"testing"
	"time"

	"github.com/linuxhcs/hcs/client"
	"github.com/linuxhcs/hcs/hresult"
	"github.com/linuxhcs/hcs/schema"
	"github.com/linuxhcs/hcs/wire"
)

func TestHandlesAreIndependentReferences(t *testing.T) {
	f := newFixture(t)
	c := f.client()
	a := f.started(c, "shared")
	b, err := c.OpenComputeSystem(t.Context(), "shared", client.GenericAll)
	if err != nil {
		t.Fatal(err)
	}
	a.Close()
	if got := state(t, b).State; got != schema.StateRunning {
		t.Fatalf("closing one handle changed the system: state %s", got)
	}
	b.Close()
	if f.drv.System("shared").Closed() {
		t.Fatal("closing every handle stopped a system without ShouldTerminateOnLastHandleClosed")
	}
	again, err := c.OpenComputeSystem(t.Context(), "shared", client.GenericAll)
	if err != nil {
		t.Fatalf("system without handles is no longer openable: %v", err)
	}
	again.Close()
}

func TestOpenByIDFromAnotherSession(t *testing.T) {
	f := newFixture(t)
	creator := f.client()
	f.started(creator, "cross")
	other := f.client()
	sys, err := other.OpenComputeSystem(t.Context(), "cross", client.GenericAll)
	if err != nil {
		t.Fatal(err)
	}
	defer sys.Close()
	ev := make(events, 4)
	sys.SetCallback(client.EventOptionNone, ev.callback)
	mustDo(t, func(op *client.Operation) error { return sys.Terminate(op, "") })
	ev.next(t, client.EventSystemExited)
}

func TestOpenUnknownIDIsSystemNotFound(t *testing.T) {
	f := newFixture(t)
	_, err := f.client().OpenComputeSystem(t.Context(), "nobody", client.GenericAll)
	wantCode(t, err, hresult.HCS_E_SYSTEM_NOT_FOUND)
}

func TestCreateDuplicateIDIsAlreadyExists(t *testing.T) {
	f := newFixture(t)
	c := f.client()
	f.create(c, "dup", containerDoc)
	op := client.NewOperation(nil, nil)
	defer op.Close()
	sys, err := c.CreateComputeSystem("dup", containerDoc, op)
	if err != nil {
		t.Fatal(err)
	}
	defer sys.Close()
	_, err = op.Wait(ctx(t))
	wantCode(t, err, hresult.HCS_E_SYSTEM_ALREADY_EXISTS)
}

func TestSystemIDsAreValidatedBeforeUse(t *testing.T) {
	f := newFixture(t)
	sess := f.h.Connect()
	defer sess.Close()
	for _, id := range []string{"", ".", "..", "../etc", "a/b", `a\b`, "nul\x00", string(make([]byte, 256))} {
		wantCode(t, sess.CreateSystem(ctx(t), 1, id, containerDoc), hresult.E_INVALIDARG)
		wantCode(t, sess.OpenSystem(ctx(t), 1, id), hresult.E_INVALIDARG)
	}
	for i, id := range []string{"Sample", "8e9d8a5e-0000-4000-8000-000000000001", "my container.1"} {
		if err := sess.CreateSystem(ctx(t), wire.Ref(i+1), id, containerDoc); err != nil {
			t.Errorf("CreateSystem(%q): %v", id, err)
		}
	}
}

func TestMalformedConfigurationIsInvalidJSONNamingTheField(t *testing.T) {
	f := newFixture(t)
	sess := f.h.Connect()
	defer sess.Close()
	err := sess.CreateSystem(ctx(t), 1, "bad", `{"Container":{"Memory":{"SizeInMB":"lots"}}}`)
	wantCode(t, err, hresult.HCS_E_INVALID_JSON)
	if msg := err.Error(); !contains(msg, "SizeInMB") {
		t.Fatalf("message %q does not name the field", msg)
	}
	if err := sess.OpenSystem(ctx(t), 2, "bad"); !hresult.Is(err, hresult.HCS_E_SYSTEM_NOT_FOUND) {
		t.Fatalf("a refused create left a system behind: %v", err)
	}
}

func TestTerminateOnLastHandleClosed(t *testing.T) {
	f := newFixture(t)
	c := f.client()
	doc := `{"Container":{},"ShouldTerminateOnLastHandleClosed":true}`
	a := f.create(c, "ephemeral", doc)
	mustDo(t, func(op *client.Operation) error { return a.Start(op, "") })
	b, err := f.client().OpenComputeSystem(t.Context(), "ephemeral", client.GenericAll)
	if err != nil {
		t.Fatal(err)
	}
	a.Close()
	if got := state(t, b).State; got != schema.StateRunning {
		t.Fatalf("terminated while another session still held a handle: %s", got)
	}
	b.Close()
	waitFor(t, "system terminated", func() bool { return f.drv.System("ephemeral").Closed() })
	waitFor(t, "system forgotten", func() bool {
		sys, err := c.OpenComputeSystem(t.Context(), "ephemeral", client.GenericAll)
		if err == nil {
			sys.Close() // opened while it was stopping; closing lets it go
		}
		return hresult.Is(err, hresult.HCS_E_SYSTEM_NOT_FOUND)
	})
}

func TestSessionCloseCountsAsClosingItsHandles(t *testing.T) {
	f := newFixture(t)
	crashing := client.New(f.h.Connect())
	f.create(crashing, "orphan", `{"Container":{},"ShouldTerminateOnLastHandleClosed":true}`)
	crashing.Close()
	waitFor(t, "system terminated with its session", func() bool { return f.drv.System("orphan").Closed() })
}

func TestWaitForExit(t *testing.T) {
	f := newFixture(t)
	c := f.client()
	sys := f.started(c, "waiter")
	short, cancel := contextWithTimeout(50 * time.Millisecond)
	_, err := sys.WaitForExit(short)
	cancel()
	wantCode(t, err, hresult.HCS_E_OPERATION_TIMEOUT)
	done := make(chan string, 1)
	go func() {
		doc, _ := sys.WaitForExit(ctx(t))
		done <- doc
	}()
	mustDo(t, func(op *client.Operation) error { return sys.ShutDown(op, "") })
	var st schema.SystemExitStatus
	json.Unmarshal([]byte(<-done), &st)
	if st.ExitType != schema.NotificationTypeGracefulExit {
		t.Fatalf("exit status %+v", st)
	}
	if doc, err := sys.WaitForExit(ctx(t)); err != nil || doc == "" {
		t.Fatalf("wait after exit: %q, %v", doc, err)
	}
}

func TestExitReportedToHandleOpenedAfterExit(t *testing.T) {
	f := newFixture(t)
	c := f.client()
	sys := f.started(c, "late")
	mustDo(t, func(op *client.Operation) error { return sys.Terminate(op, "") })
	late, err := c.OpenComputeSystem(t.Context(), "late", client.GenericAll)
	if err != nil {
		t.Fatalf("a stopped system with open handles must stay openable: %v", err)
	}
	defer late.Close()
	ev := make(events, 2)
	late.SetCallback(client.EventOptionNone, ev.callback)
	ev.next(t, client.EventSystemExited)
}

func TestStoppedSystemIsForgottenWithItsLastHandle(t *testing.T) {
	f := newFixture(t)
	c := f.client()
	sys := f.started(c, "gone")
	mustDo(t, func(op *client.Operation) error { return sys.Terminate(op, "") })
	if p := state(t, sys); !p.Stopped || p.ExitType != schema.NotificationTypeForcedExit {
		t.Fatalf("stopped system properties: %+v", p)
	}
	sys.Close()
	_, err := c.OpenComputeSystem(t.Context(), "gone", client.GenericAll)
	wantCode(t, err, hresult.HCS_E_SYSTEM_NOT_FOUND)
	f.create(c, "gone", containerDoc) // the id is free again
}

func TestClosedHandleIsInvalid(t *testing.T) {
	f := newFixture(t)
	sess := f.h.Connect()
	defer sess.Close()
	const ref wire.Ref = 1
	if err := sess.CreateSystem(ctx(t), ref, "h", containerDoc); err != nil {
		t.Fatal(err)
	}
	if err := sess.CloseSystem(ctx(t), ref); err != nil {
		t.Fatal(err)
	}
	wantCode(t, sess.CloseSystem(ctx(t), ref), hresult.ERROR_INVALID_HANDLE)
	wantCode(t, sess.SystemOp(ctx(t), ref, "Start", ""), hresult.ERROR_INVALID_HANDLE)
	_, err := sess.SystemProperties(ctx(t), 999, "")
	wantCode(t, err, hresult.ERROR_INVALID_HANDLE)
}

// The client chooses each handle's reference; the service refuses zero and one that names an
// open handle of the session, of either kind, before it does any work.
func TestNewHandleReferenceMustBeFree(t *testing.T) {
	f := newFixture(t)
	sess := f.h.Connect()
	defer sess.Close()
	wantCode(t, sess.CreateSystem(ctx(t), 0, "zero", containerDoc), hresult.E_INVALIDARG)
	const sys, proc wire.Ref = 1, 2
	if err := sess.CreateSystem(ctx(t), sys, "refs", containerDoc); err != nil {
		t.Fatal(err)
	}
	if err := sess.SystemOp(ctx(t), sys, wire.OpStart, ""); err != nil {
		t.Fatal(err)
	}
	wantCode(t, sess.CreateSystem(ctx(t), sys, "refs-2", containerDoc), hresult.E_INVALIDARG)
	if f.drv.System("refs-2") != nil {
		t.Fatal("a create with a used reference reached the driver")
	}
	wantCode(t, sess.OpenSystem(ctx(t), sys, "refs"), hresult.E_INVALIDARG)
	params := `{"CommandArgs":["/bin/sleep","30"]}`
	_, err := sess.CreateProcess(ctx(t), sys, sys, params)
	wantCode(t, err, hresult.E_INVALIDARG)
	if _, err := sess.CreateProcess(ctx(t), sys, proc, params); err != nil {
		t.Fatal(err)
	}
	_, err = sess.CreateProcess(ctx(t), sys, proc, params)
	wantCode(t, err, hresult.E_INVALIDARG)
	wantCode(t, sess.OpenSystem(ctx(t), proc, "refs"), hresult.E_INVALIDARG)
	if n := len(f.drv.System("refs").Pids()); n != 1 {
		t.Fatalf("%d processes started, want only the one with a free reference", n)
	}
	// Another session has its own references.
	other := f.h.Connect()
	defer other.Close()
	if err := other.OpenSystem(ctx(t), sys, "refs"); err != nil {
		t.Fatalf("a reference used in another session: %v", err)
	}
	if err := sess.SystemOp(ctx(t), sys, wire.OpTerminate, ""); err != nil {
		t.Fatal(err)
	}
}
