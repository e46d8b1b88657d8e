package recovery_test

import (
	"context"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/linuxhcs/hcs/client"
	"github.com/linuxhcs/hcs/hresult"
	"github.com/linuxhcs/hcs/internal/testutil"
)

// TestRestartDoesNotWaitOnAnUnresponsiveAgent stops a container's agent (SIGSTOP: it still
// accepts connections but never answers) while the service is down. Recover returns without
// waiting for it and the service serves; once the handshake timeout passes, the container is
// terminated and reported stopped with HCS_E_CONNECTION_TIMEOUT, leaving nothing mounted.
func TestRestartDoesNotWaitOnAnUnresponsiveAgent(t *testing.T) {
	e := newEnv(t)
	first, c1, _ := e.service()
	op := client.NewOperation(nil, nil)
	sys, err := c1.CreateComputeSystem("mute", e.doc(), op)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := op.Wait(ctx(t)); err != nil {
		t.Fatal(err)
	}
	do(t, func(op *client.Operation) error { return sys.Start(op, "") })
	d := testutil.ReadContainerRecord(t, filepath.Join(e.state, "systems", "mute"))
	first.Close(ctx(t), false)
	if d.Pid <= 0 {
		t.Fatalf("no init pid recorded: %+v", d)
	}
	if err := syscall.Kill(d.Pid, syscall.SIGSTOP); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { syscall.Kill(d.Pid, syscall.SIGKILL) })

	e.handshake = 2 * time.Second
	second, c2, ids := e.service() // bounded by ctx(t): Recover must not wait on the agent
	t.Cleanup(func() { second.Close(context.Background(), true) })
	if len(ids) != 1 || ids[0] != "mute" {
		t.Fatalf("recovered %v", ids)
	}
	again, err := c2.OpenComputeSystem(t.Context(), "mute", client.GenericAll)
	if err != nil {
		t.Fatal(err)
	}
	defer again.Close()
	exit, err := again.WaitForExit(ctx(t))
	if err != nil {
		t.Fatal(err)
	}
	want := strconv.Itoa(int(hresult.HCS_E_CONNECTION_TIMEOUT.Int32()))
	if !strings.Contains(exit, `"Status":`+want) {
		t.Fatalf("exit %s; want Status %s (HCS_E_CONNECTION_TIMEOUT)", exit, want)
	}
	waitGone(t, d.Pid)
	assertNoMount(t, e.writable)
}
