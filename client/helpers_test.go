package client

import (
	"context"
	"encoding/json"
	"errors"
	"testing"
	"time"

	"github.com/linuxhcs/hcs/hresult"
	"github.com/linuxhcs/hcs/wire"
)

// recv receives from ch within patience.
func recv[T any](t *testing.T, ch <-chan T, what string) T {
	t.Helper()
	select {
	case v := <-ch:
		return v
	case <-time.After(patience):
		t.Fatalf("timed out waiting for %s", what)
		var zero T
		return zero
	}
}

// waitClosed waits within patience for ch to be closed.
func waitClosed(t *testing.T, ch <-chan struct{}, what string) {
	t.Helper()
	select {
	case <-ch:
	case <-time.After(patience):
		t.Fatalf("timed out waiting for %s", what)
	}
}

// isClosed reports whether ch is closed now.
func isClosed(ch <-chan struct{}) bool {
	select {
	case <-ch:
		return true
	default:
		return false
	}
}

// testCtx is a context that ends after patience.
func testCtx(t *testing.T) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), patience)
	t.Cleanup(cancel)
	return ctx
}

// expiredCtx is a context that has already ended.
func expiredCtx() context.Context {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	return ctx
}

// wait waits for op's call and returns its result.
func wait(t *testing.T, op *Operation) (string, error) {
	t.Helper()
	return op.Wait(testCtx(t))
}

// mustWait waits for op's call and fails the test unless it succeeded.
func mustWait(t *testing.T, op *Operation) string {
	t.Helper()
	doc, err := wait(t, op)
	if err != nil {
		t.Fatalf("%v operation: %v", op.Type(), err)
	}
	return doc
}

// createSystem creates a compute system on the fake and waits for the creation.
func createSystem(t *testing.T, c *Client, id string) *System {
	t.Helper()
	op := NewOperation(nil, nil)
	defer op.Close()
	s, err := c.CreateComputeSystem(id, systemDoc, op)
	if err != nil {
		t.Fatalf("CreateComputeSystem(%q): %v", id, err)
	}
	t.Cleanup(func() { s.Close() })
	mustWait(t, op)
	return s
}

// createProcess starts a process in s on the fake and waits for the creation.
func createProcess(t *testing.T, s *System) *Process {
	t.Helper()
	op := NewOperation(nil, nil)
	defer op.Close()
	p, err := s.CreateProcess(processDoc, op)
	if err != nil {
		t.Fatalf("CreateProcess: %v", err)
	}
	t.Cleanup(func() { p.Close() })
	mustWait(t, op)
	return p
}

// testRef returns the service reference of a created handle.
func (s *System) testRef(t *testing.T) wire.Ref {
	t.Helper()
	ref, err := s.h.resolve()
	if err != nil {
		t.Fatal(err)
	}
	return ref
}

func (p *Process) testRef(t *testing.T) wire.Ref {
	t.Helper()
	ref, err := p.h.resolve()
	if err != nil {
		t.Fatal(err)
	}
	return ref
}

// eventRecorder is an event callback that records what it receives.
type eventRecorder struct {
	ch chan Event
}

func newEventRecorder() *eventRecorder { return &eventRecorder{ch: make(chan Event, 4096)} }

func (r *eventRecorder) callback(ev Event) { r.ch <- ev }

// next returns the next event received.
func (r *eventRecorder) next(t *testing.T) Event {
	t.Helper()
	return recv(t, r.ch, "an event callback")
}

// expect returns the next event and fails unless it has type typ.
func (r *eventRecorder) expect(t *testing.T, typ EventType) Event {
	t.Helper()
	ev := r.next(t)
	if ev.Type != typ {
		t.Fatalf("event %#x (data %q), want %#x", uint32(ev.Type), ev.Data, uint32(typ))
	}
	return ev
}

// none fails if an event was received and not yet taken.
func (r *eventRecorder) none(t *testing.T) {
	t.Helper()
	select {
	case ev := <-r.ch:
		t.Fatalf("unexpected event %#x (data %q)", uint32(ev.Type), ev.Data)
	default:
	}
}

// resultErrorDoc is the ResultError document an operation holds after a failure.
type resultErrorDoc struct {
	Error        int32
	ErrorMessage string
	ErrorEvents  json.RawMessage
}

func parseResultError(t *testing.T, doc string) resultErrorDoc {
	t.Helper()
	var re resultErrorDoc
	if err := json.Unmarshal([]byte(doc), &re); err != nil {
		t.Fatalf("result document %q is not a ResultError: %v", doc, err)
	}
	return re
}

// wantCode fails unless err carries code.
func wantCode(t *testing.T, what string, err error, code hresult.HRESULT) {
	t.Helper()
	if !errors.Is(err, code) {
		t.Fatalf("%s: error %v, want %v", what, err, code)
	}
}
