package client

import (
	"context"
	"sync"
	"time"

	"github.com/linuxhcs/hcs/hresult"
	"github.com/linuxhcs/hcs/wire"
)

// Client is a connection to the compute service, in-process or over the hcsd socket. All
// handles it returns belong to it; closing the client closes them. A Client is safe for
// concurrent use.
type Client struct {
	svc wire.Service

	mu           sync.Mutex
	handles      map[wire.Ref]eventTarget
	early        map[wire.Ref][]earlyEvent // events that arrived before their handle was registered
	closed       bool
	disconnected chan struct{} // closed when the service connection is lost
}

// eventTarget is a system or process handle as the event pump sees it.
type eventTarget interface {
	deliver(ev wire.Event)
	serviceDisconnected()
	stopEvents()
}

type earlyEvent struct {
	ev wire.Event
	at time.Time
}

// earlyEventTTL is how long an event for an unknown handle is kept. Such an event either
// belongs to a handle whose creating call is just returning (it is claimed within
// milliseconds) or to a handle closed a moment ago (it is never claimed).
const earlyEventTTL = 30 * time.Second

// New returns a client for a service session: host.New(...).Connect() for an embedded host,
// or the session of a daemon connection. The client takes ownership of svc.
func New(svc wire.Service) *Client {
	c := &Client{
		svc:          svc,
		handles:      map[wire.Ref]eventTarget{},
		early:        map[wire.Ref][]earlyEvent{},
		disconnected: make(chan struct{}),
	}
	go c.pumpEvents()
	return c
}

// Close closes the session with the service; every handle of the client becomes invalid and
// the service releases them (which may terminate systems created with
// ShouldTerminateOnLastHandleClosed). As when each handle is closed, no event callback runs
// after Close returns.
func (c *Client) Close() error {
	c.mu.Lock()
	if c.closed {
		c.mu.Unlock()
		return nil
	}
	c.closed = true
	targets := make([]eventTarget, 0, len(c.handles))
	for _, t := range c.handles {
		targets = append(targets, t)
	}
	c.mu.Unlock()
	for _, t := range targets {
		t.stopEvents()
	}
	return c.svc.Close()
}

// pumpEvents routes service events to their handles until the stream ends. A stream that
// ends while the client is open means the service went away: every handle then gets
// EventServiceDisconnect and later calls fail with HCS_E_SERVICE_DISCONNECT.
func (c *Client) pumpEvents() {
	for ev := range c.svc.Events() {
		c.route(ev)
	}
	c.mu.Lock()
	closed := c.closed
	targets := make([]eventTarget, 0, len(c.handles))
	for _, t := range c.handles {
		targets = append(targets, t)
	}
	c.mu.Unlock()
	close(c.disconnected)
	if closed {
		return
	}
	for _, t := range targets {
		t.serviceDisconnected()
	}
}

func (c *Client) route(ev wire.Event) {
	c.mu.Lock()
	t, ok := c.handles[ev.Handle]
	if !ok {
		c.pruneEarlyLocked()
		c.early[ev.Handle] = append(c.early[ev.Handle], earlyEvent{ev, time.Now()})
	}
	c.mu.Unlock()
	if ok {
		t.deliver(ev)
	}
}

func (c *Client) pruneEarlyLocked() {
	cutoff := time.Now().Add(-earlyEventTTL)
	for ref, evs := range c.early {
		if evs[len(evs)-1].at.Before(cutoff) {
			delete(c.early, ref)
		}
	}
}

// register routes events for ref to t, first delivering any that arrived early. They are
// delivered before c.mu is released, so no event the pump routes afterwards overtakes them;
// deliver only queues, so holding c.mu there is safe.
func (c *Client) register(ref wire.Ref, t eventTarget) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.handles[ref] = t
	for _, e := range c.early[ref] {
		t.deliver(e.ev)
	}
	delete(c.early, ref)
}

func (c *Client) unregister(ref wire.Ref) {
	c.mu.Lock()
	delete(c.handles, ref)
	c.mu.Unlock()
}

// check returns the error every call reports once the client is closed or disconnected. A
// closed client reports ERROR_INVALID_HANDLE even after its event stream ended.
func (c *Client) check() error {
	c.mu.Lock()
	closed := c.closed
	c.mu.Unlock()
	if closed {
		return hresult.New(hresult.ERROR_INVALID_HANDLE, "client is closed")
	}
	select {
	case <-c.disconnected:
		return hresult.New(hresult.HCS_E_SERVICE_DISCONNECT, "the connection to the compute service was lost")
	default:
	}
	return nil
}

// serviceErr turns a transport failure after disconnect into HCS_E_SERVICE_DISCONNECT, so
// callers see one code for "the service went away".
func (c *Client) serviceErr(err error) error {
	if err == nil {
		return nil
	}
	select {
	case <-c.disconnected:
		return hresult.Wrap(err, hresult.HCS_E_SERVICE_DISCONNECT, "the connection to the compute service was lost")
	default:
		return err
	}
}

// background is the context service calls made for operations run under: HCS operations
// cannot be cancelled once accepted.
func background() context.Context { return context.Background() }
