package client

import (
	"context"
	"errors"
	"net"
	"os"
	"path/filepath"
	"runtime"
	"testing"
	"time"

	"github.com/linuxhcs/hcs/hresult"
	"github.com/linuxhcs/hcs/wire"
)

// wantCancelled fails unless err is what a cancelled call reports: context.Canceled wrapped
// in HCS_E_OPERATION_ALREADY_CANCELLED.
func wantCancelled(t *testing.T, what string, err error) {
	t.Helper()
	if !errors.Is(err, context.Canceled) || !errors.Is(err, hresult.HCS_E_OPERATION_ALREADY_CANCELLED) {
		t.Fatalf("%s: error %v, want context.Canceled in HCS_E_OPERATION_ALREADY_CANCELLED", what, err)
	}
}

// settledGoroutines waits until no more goroutines run than before, and fails if they do
// not settle: a goroutine of a cancelled call would be left behind.
func settledGoroutines(t *testing.T, before int) {
	t.Helper()
	deadline := time.Now().Add(patience)
	for runtime.NumGoroutine() > before {
		if time.Now().After(deadline) {
			buf := make([]byte, 1<<20)
			t.Fatalf("%d goroutines left, %d before:\n%s", runtime.NumGoroutine(), before, buf[:runtime.Stack(buf, true)])
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// cancelWhile runs call with a context that is cancelled once entered reports that the
// service is working on it, and returns the call's error.
func cancelWhile(t *testing.T, entered <-chan fakeCall, call func(ctx context.Context) error) error {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	done := make(chan error, 1)
	go func() { done <- call(ctx) }()
	recv(t, entered, "the call to reach the service")
	cancel()
	return recv(t, done, "the cancelled call to return")
}

// untilCancelled programs method to block until the caller's context ends, as a service
// that notices cancellation does, and reports each call on the returned channel.
func untilCancelled(f *fakeService, method string) <-chan fakeCall {
	entered := make(chan fakeCall, 1)
	f.handle(method, func(c fakeCall) fakeReply {
		entered <- c
		<-c.Ctx.Done()
		return fakeReply{Err: c.Ctx.Err()}
	})
	return entered
}

func TestCancelledCallReturnsCanceledAndLeaksNoGoroutine(t *testing.T) {
	f, c := newTestClient(t)
	s := createSystem(t, c, "cancel")
	before := runtime.NumGoroutine()

	t.Run("synchronous call", func(t *testing.T) {
		entered := untilCancelled(f, "ServiceProperties")
		err := cancelWhile(t, entered, func(ctx context.Context) error {
			_, err := c.GetServiceProperties(ctx, "")
			return err
		})
		wantCancelled(t, "GetServiceProperties", err)
	})
	t.Run("storage call", func(t *testing.T) {
		entered := untilCancelled(f, "Utility")
		err := cancelWhile(t, entered, func(ctx context.Context) error { return c.DestroyLayer(ctx, "/layers/x") })
		wantCancelled(t, "DestroyLayer", err)
	})
	t.Run("storage call with a file", func(t *testing.T) {
		g := f.gate("Utility")
		vhd, err := os.CreateTemp(t.TempDir(), "vhd")
		if err != nil {
			t.Fatal(err)
		}
		err = cancelWhile(t, g.entered, func(ctx context.Context) error { return c.FormatWritableLayerVhd(ctx, vhd) })
		wantCancelled(t, "FormatWritableLayerVhd", err)
		vhd.Close() // the caller is done with its file; the call still runs
		sent := f.callsTo("Utility")
		if _, err := sent[len(sent)-1].File.Stat(); err != nil {
			t.Fatalf("the file the service received was closed with the caller's: %v", err)
		}
		g.open(t, fakeReply{})
	})
	t.Run("operation wait", func(t *testing.T) {
		g := f.gate("SystemOp")
		op := NewOperation(nil, nil)
		defer op.Close()
		if err := s.Start(op, ""); err != nil {
			t.Fatal(err)
		}
		err := cancelWhile(t, g.entered, func(ctx context.Context) error { _, err := op.Wait(ctx); return err })
		wantCancelled(t, "Operation.Wait", err)
		// Only the wait ended: the call goes on and its result is still delivered.
		_, err = op.Result()
		wantCode(t, "Result after a cancelled wait", err, hresult.HCS_E_OPERATION_PENDING)
		g.open(t, fakeReply{})
		mustWait(t, op)
	})
	t.Run("wait for exit", func(t *testing.T) {
		ctx, cancel := context.WithCancel(context.Background())
		done := make(chan error, 1)
		go func() { _, err := s.WaitForExit(ctx); done <- err }()
		cancel()
		wantCancelled(t, "WaitForExit", recv(t, done, "WaitForExit to return"))
	})
	t.Run("call not sent yet", func(t *testing.T) {
		calls := f.callCount()
		_, err := Do(expiredCtx(), func(op *Operation) error { return s.Start(op, "") })
		wantCancelled(t, "Do", err)
		_, err = c.GetServiceProperties(expiredCtx(), "")
		wantCancelled(t, "GetServiceProperties", err)
		_, err = c.OpenComputeSystem(expiredCtx(), "cancel", GenericAll)
		wantCancelled(t, "OpenComputeSystem", err)
		if n := f.callCount(); n != calls {
			t.Fatalf("%d calls reached the service with an ended context", n-calls)
		}
	})
	t.Run("open abandoned", func(t *testing.T) {
		g := f.gate("OpenSystem")
		err := cancelWhile(t, g.entered, func(ctx context.Context) error {
			_, err := c.OpenComputeSystem(ctx, "cancel", GenericAll)
			return err
		})
		wantCancelled(t, "OpenComputeSystem", err)
		g.open(t, fakeReply{}) // the service opened the handle after all
		opened := f.callsTo("OpenSystem")
		ref := opened[len(opened)-1].NewRef
		deadline := time.Now().Add(patience)
		for !closedRef(f, ref) {
			if time.Now().After(deadline) {
				t.Fatalf("the handle %d the caller never received was not closed", ref)
			}
			time.Sleep(time.Millisecond)
		}
	})
	settledGoroutines(t, before)
}

func closedRef(f *fakeService, ref wire.Ref) bool {
	for _, c := range f.callsTo("CloseSystem") {
		if c.Ref == ref {
			return true
		}
	}
	return false
}

// Dial is cancelled during the version handshake with a service that never answers.
func TestDialCancelledDuringHandshake(t *testing.T) {
	path := filepath.Join(t.TempDir(), "mute.sock")
	l, err := net.Listen("unix", path)
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	accepted := make(chan fakeCall, 1)
	go func() {
		conn, err := l.Accept()
		if err != nil {
			return
		}
		defer conn.Close()
		accepted <- fakeCall{}
		var b [1]byte
		conn.Read(b[:]) // until the client hangs up
		for {
			if _, err := conn.Read(b[:]); err != nil {
				return
			}
		}
	}()
	before := runtime.NumGoroutine()
	err = cancelWhile(t, accepted, func(ctx context.Context) error {
		c, err := Dial(ctx, path)
		if err == nil {
			c.Close()
		}
		return err
	})
	wantCancelled(t, "Dial", err)
	settledGoroutines(t, before)
}
