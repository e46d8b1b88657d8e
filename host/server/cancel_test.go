package server_test

import (
	"context"
	"errors"
	"os"
	"runtime"
	"testing"
	"time"

	"github.com/linuxhcs/hcs/host"
	"github.com/linuxhcs/hcs/hresult"
	"github.com/linuxhcs/hcs/wire"
)

// A client call cancelled while hcsd works on it returns at once with context.Canceled in
// HCS_E_OPERATION_ALREADY_CANCELLED; hcsd finishes the call, and nothing is left running
// on either side once it has.
func TestCallCancelledOverTheSocket(t *testing.T) {
	entered, release := make(chan struct{}, 1), make(chan struct{})
	destroy := func(context.Context, []string, *os.File) (string, error) {
		entered <- struct{}{}
		<-release
		return "", nil
	}
	d := startDaemon(t, daemonConfig{utilities: map[wire.UtilityFunc]host.UtilityHandler{wire.FuncDestroyLayer: destroy}})
	c := d.dial(t)
	// A first call returns once hcsd serves the connection with all its goroutines.
	if _, err := c.GetServiceProperties(ctx(t), ""); err != nil {
		t.Fatal(err)
	}
	before := runtime.NumGoroutine()

	cctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- c.DestroyLayer(cctx, "/layers/busy") }()
	select {
	case <-entered:
	case <-time.After(testTimeout):
		t.Fatal("the call did not reach hcsd")
	}
	cancel()
	var err error
	select {
	case err = <-done:
	case <-time.After(testTimeout):
		t.Fatal("the cancelled call did not return")
	}
	if !errors.Is(err, context.Canceled) || !errors.Is(err, hresult.HCS_E_OPERATION_ALREADY_CANCELLED) {
		t.Fatalf("error %v, want context.Canceled in HCS_E_OPERATION_ALREADY_CANCELLED", err)
	}
	close(release)
	if _, err := c.GetServiceProperties(ctx(t), ""); err != nil {
		t.Fatalf("the connection after a cancelled call: %v", err)
	}
	deadline := time.Now().Add(testTimeout)
	for runtime.NumGoroutine() > before {
		if time.Now().After(deadline) {
			buf := make([]byte, 1<<20)
			t.Fatalf("%d goroutines left, %d before the call:\n%s", runtime.NumGoroutine(), before, buf[:runtime.Stack(buf, true)])
		}
		time.Sleep(10 * time.Millisecond)
	}
}
