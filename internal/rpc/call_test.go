package rpc

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/linuxhcs/hcs/hresult"
	"github.com/linuxhcs/hcs/schema"
	"github.com/linuxhcs/hcs/wire"
)

func TestCallRoundTrip(t *testing.T) {
	c, _ := served(t, ServeOptions{Handler: echo, Version: "test-server"})
	if got := c.Server(); got.ProtocolVersion != wire.ProtocolVersion || got.ServerVersion != "test-server" {
		t.Fatalf("server Hello = %+v", got)
	}
	res, files, err := c.Call(testCtx(t), wire.MethodEnumerateSystems, &wire.Args{Document: `{"Ids":["a<b>&c"]}`})
	if err != nil || len(files) != 0 || res.Document != `EnumerateSystems:{"Ids":["a<b>&c"]}` {
		t.Fatalf("Call = %+v, %d files, %v", res, len(files), err)
	}
}

func TestErrorsComeBackAsTheSameHRESULTError(t *testing.T) {
	cases := []error{
		hresult.New(hresult.HCS_E_SYSTEM_NOT_FOUND, `compute system "x" not found`),
		hresult.Wrap(fs.ErrNotExist, 0, "opening the layer"),
		errors.New("plain failure"),
		&hresult.Error{Code: hresult.E_INVALIDARG, Message: "Field: bad", Events: []byte(`[{"Message":"m"}]`)},
	}
	for _, want := range cases {
		c, _ := served(t, ServeOptions{Handler: func(context.Context, wire.Method, *wire.Args, []*os.File) (*wire.Result, []*os.File, error) {
			return nil, nil, want
		}})
		_, _, err := c.Call(testCtx(t), wire.MethodOpenSystem, &wire.Args{ID: "x"})
		got, ok := err.(*hresult.Error)
		w := hresult.From(want)
		if !ok || got.Code != w.Code || got.Message != w.Message || string(got.Events) != string(w.Events) {
			t.Errorf("error = %#v, want code %s message %q", err, w.Code, w.Message)
		}
	}
}

func TestConcurrentRequestsCompleteOutOfOrder(t *testing.T) {
	const n = 100
	gates := make([]chan struct{}, n)
	for i := range gates {
		gates[i] = make(chan struct{})
	}
	var started atomic.Int32
	c, _ := served(t, ServeOptions{Handler: func(ctx context.Context, m wire.Method, a *wire.Args, _ []*os.File) (*wire.Result, []*os.File, error) {
		started.Add(1)
		<-gates[a.PID]
		return &wire.Result{Document: fmt.Sprint(a.PID)}, nil, nil
	}})
	var wg sync.WaitGroup
	order := make(chan int, n)
	for i := range n {
		wg.Go(func() {
			res, _, err := c.Call(testCtx(t), wire.MethodOpenProcess, &wire.Args{PID: uint32(i)})
			if err != nil || res.Document != fmt.Sprint(i) {
				t.Errorf("request %d: %+v, %v", i, res, err)
			}
			order <- i
		})
	}
	waitFor(t, "every request to reach the handler", func() bool { return started.Load() == n })
	for i := n - 1; i >= 0; i-- { // release newest first
		close(gates[i])
		if got := <-order; got != i {
			t.Fatalf("response %d arrived while only %d was released", got, i)
		}
	}
	wg.Wait()
}

func TestInFlightIsBounded(t *testing.T) {
	const limit, calls = 4, 20
	release := make(chan struct{})
	var running, peak atomic.Int32
	c, _ := served(t, ServeOptions{MaxInFlight: limit, Handler: func(context.Context, wire.Method, *wire.Args, []*os.File) (*wire.Result, []*os.File, error) {
		n := running.Add(1)
		for p := peak.Load(); n > p && !peak.CompareAndSwap(p, n); p = peak.Load() {
		}
		<-release
		running.Add(-1)
		return &wire.Result{}, nil, nil
	}})
	var wg sync.WaitGroup
	for range calls {
		wg.Go(func() {
			if _, _, err := c.Call(testCtx(t), wire.MethodServiceProperties, nil); err != nil {
				t.Error(err)
			}
		})
	}
	waitFor(t, "the service's slots to fill", func() bool { return running.Load() == limit })
	time.Sleep(50 * time.Millisecond)
	if p := peak.Load(); p != limit {
		t.Fatalf("%d requests served at once, limit %d", p, limit)
	}
	close(release)
	wg.Wait()
}

func TestProcessFilesArePassed(t *testing.T) {
	r, w, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	defer w.Close()
	c, _ := served(t, ServeOptions{Handler: func(context.Context, wire.Method, *wire.Args, []*os.File) (*wire.Result, []*os.File, error) {
		return &wire.Result{Process: &wire.ProcessFiles{ProcessID: 42, StdOutput: true}}, []*os.File{r}, nil
	}})
	before := openFDs(t)
	res, files, err := c.Call(testCtx(t), wire.MethodCreateProcess, &wire.Args{Ref: 1, NewRef: 2, Document: "{}"})
	if err != nil || len(files) != 1 || res.Process.ProcessID != 42 {
		t.Fatalf("Call = %+v, %d files, %v", res, len(files), err)
	}
	waitFor(t, "the service to close its copy of the sent file", func() bool { _, err := r.Stat(); return err != nil })
	io.WriteString(w, "out")
	w.Close()
	got, err := io.ReadAll(files[0])
	files[0].Close()
	if err != nil || string(got) != "out" {
		t.Fatalf("read through the passed file = %q, %v", got, err)
	}
	if after := openFDs(t); after > before {
		t.Fatalf("%d descriptors open, %d before", after, before)
	}
}

func TestLargestDocumentFits(t *testing.T) {
	digest := func(ctx context.Context, m wire.Method, a *wire.Args, _ []*os.File) (*wire.Result, []*os.File, error) {
		sum := sha256.Sum256([]byte(a.Document))
		return &wire.Result{Document: hex.EncodeToString(sum[:])}, nil, nil
	}
	c, _ := served(t, ServeOptions{Handler: digest})
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute) // megabytes of JSON, under -race
	defer cancel()
	doc := strings.Repeat(`"`, schema.MaxDocumentSize) // the worst case for JSON string escaping
	sum := sha256.Sum256([]byte(doc))
	res, _, err := c.Call(ctx, wire.MethodSubmitWerReport, &wire.Args{Document: doc})
	if err != nil || res.Document != hex.EncodeToString(sum[:]) {
		t.Fatalf("a %d-byte document did not arrive intact: %v", len(doc), err)
	}
	for _, tooBig := range []string{doc + doc + "x", doc + strings.Repeat(`"`, 40<<10)} { // refused unencoded, refused encoded
		_, _, err = c.Call(ctx, wire.MethodSubmitWerReport, &wire.Args{Document: tooBig})
		wantCode(t, err, hresult.E_INVALIDARG)
	}
	if _, _, err := c.Call(ctx, wire.MethodServiceProperties, nil); err != nil {
		t.Fatalf("the connection is unusable after refusing an oversize request: %v", err)
	}
}

func TestCallContextEndsFirst(t *testing.T) {
	release := make(chan struct{})
	c, _ := served(t, ServeOptions{Handler: func(_ context.Context, m wire.Method, a *wire.Args, _ []*os.File) (*wire.Result, []*os.File, error) {
		if m == wire.MethodSystemOp {
			<-release
		}
		return &wire.Result{}, nil, nil
	}})
	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	_, _, err := c.Call(ctx, wire.MethodSystemOp, &wire.Args{Ref: 1, Op: "Start"})
	wantCode(t, err, hresult.HCS_E_OPERATION_TIMEOUT)
	close(release) // the late response is discarded
	if _, _, err := c.Call(testCtx(t), wire.MethodServiceProperties, nil); err != nil {
		t.Fatal(err)
	}
}

func TestEventsAreStreamed(t *testing.T) {
	events := make(chan wire.Event)
	c, _ := served(t, ServeOptions{Handler: echo, Events: events})
	go func() {
		for i := range 100 {
			events <- wire.Event{Handle: wire.Ref(i + 1), Type: wire.EventProcessExited, Data: fmt.Sprint(i)}
		}
	}()
	for i := range 100 {
		select {
		case ev := <-c.Events():
			if ev.Handle != wire.Ref(i+1) || ev.Type != wire.EventProcessExited || ev.Data != fmt.Sprint(i) {
				t.Fatalf("event %d = %+v", i, ev)
			}
		case <-time.After(patience):
			t.Fatal("no event")
		}
	}
}
