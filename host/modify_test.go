package host_test

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/linuxhcs/hcs/client"
	"github.com/linuxhcs/hcs/driver/fakedriver"
	"github.com/linuxhcs/hcs/hresult"
)

func memoryRequest(mb string) string {
	return `{"ResourcePath":"` + fakedriver.MemoryResourcePath + `","RequestType":"Update","Settings":` + mb + `}`
}

// A created system can be modified before it starts; the driver decides what can change.
// A stopped system cannot.
func TestModifyBeforeStartReachesTheDriver(t *testing.T) {
	f := newFixture(t)
	c := f.client()
	sys := f.create(c, "modify-created", containerDoc)
	mustDo(t, func(op *client.Operation) error { return sys.Modify(op, memoryRequest("512")) })
	if got := f.drv.System("modify-created").MemorySizeInMB(); got != 512 {
		t.Fatalf("memory after a modify before start: %d MB, want 512", got)
	}
	mustDo(t, func(op *client.Operation) error { return sys.Start(op, "") })
	mustDo(t, func(op *client.Operation) error { return sys.Terminate(op, "") })
	_, err := do(t, func(op *client.Operation) error { return sys.Modify(op, memoryRequest("256")) })
	wantCode(t, err, hresult.HCS_E_INVALID_STATE)
}

// A modify before start waits for a Start already running, so the driver never sees both at
// once; it then applies to the running system.
func TestModifyBeforeStartWaitsForARunningStart(t *testing.T) {
	release, entered := make(chan struct{}), make(chan struct{}, 1)
	unblock := sync.OnceFunc(func() { close(release) })
	t.Cleanup(unblock)
	f := newFixture(t, fakedriver.WithHook(func(ctx context.Context, _ string) error {
		entered <- struct{}{}
		select {
		case <-release:
			return nil
		case <-ctx.Done():
			return ctx.Err()
		}
	}, fakedriver.OpStart))
	c := f.client()
	sys := f.create(c, "modify-during-start", containerDoc)
	start, modify := client.NewOperation(nil, nil), client.NewOperation(nil, nil)
	defer start.Close()
	defer modify.Close()
	if err := sys.Start(start, ""); err != nil {
		t.Fatal(err)
	}
	select {
	case <-entered:
	case <-time.After(testTimeout):
		t.Fatal("Start did not reach the driver")
	}
	if err := sys.Modify(modify, memoryRequest("768")); err != nil {
		t.Fatal(err)
	}
	time.Sleep(100 * time.Millisecond)
	if _, err := modify.Result(); !hresult.Is(err, hresult.HCS_E_OPERATION_PENDING) {
		t.Fatalf("modify while Start runs: %v, want it to wait for the start", err)
	}
	unblock()
	for _, op := range []*client.Operation{start, modify} {
		if _, err := op.Wait(ctx(t)); err != nil {
			t.Fatalf("%v: %v", op.Type(), err)
		}
	}
	if got := f.drv.System("modify-during-start").MemorySizeInMB(); got != 768 {
		t.Fatalf("memory: %d MB, want 768", got)
	}
}
