package host_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/linuxhcs/hcs/client"
	"github.com/linuxhcs/hcs/driver/fakedriver"
	"github.com/linuxhcs/hcs/host"
	"github.com/linuxhcs/hcs/hresult"
)

const containerDoc = `{"SchemaVersion":{"Major":2,"Minor":1},"Owner":"test","Container":{}}`

// testTimeout bounds every wait in these tests, so a broken host fails instead of hanging.
const testTimeout = 20 * time.Second

type fixture struct {
	t        *testing.T
	h        *host.Host
	drv      *fakedriver.Driver
	stateDir string
}

func newFixture(t *testing.T, opts ...fakedriver.Option) *fixture {
	t.Helper()
	drv := fakedriver.New(opts...)
	dir := t.TempDir()
	h := newHost(t, host.Options{Container: drv, StateDir: dir, ShutdownTimeout: 5 * time.Second})
	return &fixture{t: t, h: h, drv: drv, stateDir: dir}
}

// newHost makes a host with opts, closed (its systems terminated) when the test ends.
func newHost(t *testing.T, opts host.Options) *host.Host {
	t.Helper()
	h, err := host.New(opts)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), testTimeout)
		defer cancel()
		h.Close(ctx, true)
	})
	return h
}

// client opens a new session on the host.
func (f *fixture) client() *client.Client {
	c := client.New(f.h.Connect())
	f.t.Cleanup(func() { c.Close() })
	return c
}

func ctx(t *testing.T) context.Context {
	c, cancel := context.WithTimeout(context.Background(), testTimeout)
	t.Cleanup(cancel)
	return c
}

// create makes a system and waits for the creation.
func (f *fixture) create(c *client.Client, id, doc string) *client.System {
	f.t.Helper()
	op := client.NewOperation(nil, nil)
	defer op.Close()
	sys, err := c.CreateComputeSystem(id, doc, op)
	if err != nil {
		f.t.Fatalf("CreateComputeSystem(%q): %v", id, err)
	}
	if _, err := op.Wait(ctx(f.t)); err != nil {
		sys.Close()
		f.t.Fatalf("create %q: %v", id, err)
	}
	f.t.Cleanup(func() { sys.Close() })
	return sys
}

// started creates and starts a system.
func (f *fixture) started(c *client.Client, id string) *client.System {
	f.t.Helper()
	sys := f.create(c, id, containerDoc)
	mustDo(f.t, func(op *client.Operation) error { return sys.Start(op, "") })
	return sys
}

func do(t *testing.T, call func(op *client.Operation) error) (string, error) {
	t.Helper()
	return client.Do(ctx(t), call)
}

func mustDo(t *testing.T, call func(op *client.Operation) error) string {
	t.Helper()
	doc, err := do(t, call)
	if err != nil {
		t.Fatal(err)
	}
	return doc
}

func wantCode(t *testing.T, err error, code hresult.HRESULT) {
	t.Helper()
	if !errors.Is(err, code) {
		t.Fatalf("error = %v, want %s", err, code)
	}
}

// events records a handle's events.
type events chan client.Event

func (e events) callback(ev client.Event) { e <- ev }

func (e events) next(t *testing.T, want client.EventType) client.Event {
	t.Helper()
	select {
	case ev := <-e:
		if ev.Type != want {
			t.Fatalf("event type = %#x, want %#x (data %s)", ev.Type, want, ev.Data)
		}
		return ev
	case <-time.After(testTimeout):
		t.Fatalf("no event %#x within %v", want, testTimeout)
	}
	return client.Event{}
}

func (e events) none(t *testing.T, within time.Duration) {
	t.Helper()
	select {
	case ev := <-e:
		t.Fatalf("unexpected event %#x (%s)", ev.Type, ev.Data)
	case <-time.After(within):
	}
}

// until skips other events (crash reports, for instance) until one of type want.
func (e events) until(t *testing.T, want client.EventType) client.Event {
	t.Helper()
	deadline := time.After(testTimeout)
	for {
		select {
		case ev := <-e:
			if ev.Type == want {
				return ev
			}
		case <-deadline:
			t.Fatalf("no event %#x within %v", want, testTimeout)
		}
	}
}
