package recovery_test

import (
	"context"
	"testing"
	"time"

	"github.com/linuxhcs/hcs/client"
	"github.com/linuxhcs/hcs/hresult"
	"github.com/linuxhcs/hcs/schema"
)

// TestRestartKeepsAPausedContainerPaused restarts the service while a container with a
// running process is paused. The container comes back Paused and frozen; opening the process
// waits for the agent, so it fails as the caller's context ends; once resumed, the agent is
// reconnected, the process can be opened and stopped, and new processes run.
func TestRestartKeepsAPausedContainerPaused(t *testing.T) {
	e := newEnv(t)
	first, c1, _ := e.service()
	op := client.NewOperation(nil, nil)
	sys, err := c1.CreateComputeSystem("sleepy", e.doc(), op)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := op.Wait(ctx(t)); err != nil {
		t.Fatal(err)
	}
	do(t, func(op *client.Operation) error { return sys.Start(op, "") })
	_, sleeper := spawn(t, sys, "exec sleep 100")
	do(t, func(op *client.Operation) error { return sys.Pause(op, "") })
	first.Close(ctx(t), false)

	again := reopened(t, e, "sleepy", schema.StatePaused)
	short, cancel := context.WithTimeout(context.Background(), 300*time.Millisecond)
	defer cancel()
	p, err := again.OpenProcess(short, sleeper.ProcessID, client.GenericAll)
	if err == nil {
		p.Close()
		t.Fatal("a process was opened while its frozen agent could not have been asked about it")
	}
	if !hresult.Is(err, hresult.HCS_E_OPERATION_TIMEOUT) {
		t.Fatalf("OpenProcess while the agent is frozen: %v; want HCS_E_OPERATION_TIMEOUT", err)
	}
	do(t, func(op *client.Operation) error { return again.Resume(op, "") })
	stillUsable(t, again, sleeper.ProcessID)
	do(t, func(op *client.Operation) error { return again.Terminate(op, "") })
	assertNoMount(t, e.writable)
}
