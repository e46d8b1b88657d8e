package client

import (
	"context"
	"sync"
	"sync/atomic"

	"github.com/linuxhcs/hcs/hresult"
	"github.com/linuxhcs/hcs/wire"
)

// Client is a connection to the compute service, in-process or over the hcsd socket. All
// handles it returns belong to it; closing the client closes them. A Client is safe for
// concurrent use.
type Client struct {
	svc     wire.Service
	lastRef atomic.Uint64 // the last handle reference chosen; never reused

	mu           sync.Mutex
	handles      map[wire.Ref]eventTarget
	closed       bool
	disconnected chan struct{} // closed when the service connection is lost
}

// eventTarget is a system or process handle as the event pump sees it.
type eventTarget interface {
	deliver(ev wire.Event)
	serviceDisconnected()
	stopEvents()
}

// New returns a client for a service session: host.New(...).Connect() for an embedded host,
// or the session of a daemon connection. The client takes ownership of svc.
func New(svc wire.Service) *Client {
	c := &Client{
		svc:          svc,
		handles:      map[wire.Ref]eventTarget{},
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

// route hands ev to its handle. A handle is registered before the call that opens it is
// sent, so an event for an unknown reference belongs to a handle already closed: it is
// dropped.
func (c *Client) route(ev wire.Event) {
	c.mu.Lock()
	t, ok := c.handles[ev.Handle]
	c.mu.Unlock()
	if ok {
		t.deliver(ev)
	}
}

// newRef chooses the reference of a handle about to be opened. References are never reused,
// so an event still on its way for a closed handle cannot reach a new one.
func (c *Client) newRef() wire.Ref { return wire.Ref(c.lastRef.Add(1)) }

// register routes events for ref to t. It is called before the call that opens the handle is
// sent, so every event of the handle finds it.
func (c *Client) register(ref wire.Ref, t eventTarget) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.handles[ref] = t
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

// background is the context of service calls that must run to their end whatever the
// caller does: releasing a handle, which Close does without a context.
func background() context.Context { return context.Background() }
