package protocol

import (
	"context"
	"errors"
	"fmt"
	"net"
	"sync"

	"github.com/linuxhcs/hcs/agent/internal/queue"
	"github.com/linuxhcs/hcs/hresult"
	"github.com/linuxhcs/hcs/internal/mux"
)

// ClientOptions configures a Client.
type ClientOptions struct {
	// HostVersion is sent in the host's Hello, for the agent's diagnostics.
	HostVersion string
	// OnExit is called for every ProcessExited notification, one at a time and in the order
	// the agent sent them, from a goroutine of the client (never from a method call). The
	// host acknowledges an exit with AckExit once it has recorded it; until then every new
	// connection reports it again. OnExit may call the Client's methods.
	OnExit func(ProcessExited)
}

// Client is the host side of a connection to an agent. It is safe for concurrent use; its
// methods honour their context and return errors that carry an HRESULT (*hresult.Error).
type Client struct {
	calls  *mux.Caller[*Message]
	agent  Hello
	onExit func(ProcessExited)
	// exits feeds OnExit; a nil item marks the end of the connection.
	exits *queue.Queue[*ProcessExited]
	// drained is closed once OnExit has run for every exit the connection delivered.
	drained chan struct{}
	// relay carries stdio on a Stream transport; nil on a unix socket.
	relay *Relay

	mu         sync.Mutex
	nextStream uint32
}

// Dial connects to the agent's socket at path and performs the handshake.
func Dial(ctx context.Context, path string, opts ClientOptions) (*Client, error) {
	var d net.Dialer
	c, err := d.DialContext(ctx, "unix", path)
	if err != nil {
		return nil, hresult.Wrap(err, hresult.HCS_E_CONNECT_FAILED, "connect to agent at "+path)
	}
	return NewClient(ctx, c.(*net.UnixConn), opts)
}

// NewClient performs the handshake on a connected socket and returns the client, which owns
// the socket from then on (it is closed on failure).
func NewClient(ctx context.Context, c *net.UnixConn, opts ClientOptions) (*Client, error) {
	conn, err := NewConn(c)
	if err != nil {
		c.Close()
		return nil, err
	}
	return newClient(ctx, conn, opts)
}

// newClient performs the handshake on conn and starts the client's goroutines. On a
// Stream transport the client relays stdio (SpawnRelayed).
func newClient(ctx context.Context, conn *Conn, opts ClientOptions) (*Client, error) {
	hello, err := conn.greet(ctx, opts.HostVersion)
	if err != nil {
		conn.Close()
		return nil, err
	}
	cl := &Client{
		agent:   hello,
		onExit:  opts.OnExit,
		exits:   queue.New[*ProcessExited](),
		drained: make(chan struct{}),
	}
	if conn.IsStream() {
		// A failed relay write ends nothing by itself: the reader notices a broken
		// connection.
		cl.relay = NewRelay(func(m *Message) error { return conn.WriteMessage(m, nil) })
	}
	cl.calls = mux.NewCaller(conn.mc, mux.CallerOptions[*Message]{Route: cl.route, Lost: lost, Ended: cl.ended})
	go cl.notifyLoop()
	return cl, nil
}

// Agent returns the Hello the agent sent (its protocol and software versions).
func (c *Client) Agent() Hello { return c.agent }

// Done is closed when the connection has ended; Err then says why.
func (c *Client) Done() <-chan struct{} { return c.calls.Done() }

// Err returns why the connection ended, or nil while it is open.
func (c *Client) Err() error { return c.calls.Err() }

// Close ends the connection. Requests in flight fail with HCS_E_CONNECTION_CLOSED. The
// agent and its processes keep running; a later Dial reconnects.
func (c *Client) Close() error {
	c.calls.Close(hresult.New(hresult.HCS_E_CONNECTION_CLOSED, "agent connection closed by the host"))
	return nil
}

// lost is the error of a connection that ended for cause: the agent's own error when it
// sent one, else HCS_E_CONNECTION_CLOSED wrapping the cause.
func lost(cause error) error {
	if _, ok := errors.AsType[*hresult.Error](cause); !ok || isClosed(cause) {
		return hresult.Wrap(cause, hresult.HCS_E_CONNECTION_CLOSED, "agent connection lost")
	}
	return cause
}

// ended runs once the connection is over and no message will be routed again.
func (c *Client) ended() {
	c.exits.Put(nil)
	if c.relay != nil {
		c.relay.Close()
	}
}

// route handles one message from the agent: it returns the ID a response answers, or 0
// for a notification. Unknown types are ignored so that a newer agent can add
// notifications.
func (c *Client) route(m *Message, fds []int) (uint64, error) {
	closeFDs(fds) // the agent never sends descriptors
	switch m.Type {
	case TypeResponse:
		if m.ID == 0 {
			if m.Error != nil {
				return 0, m.Error.Err()
			}
			return 0, hresult.New(hresult.HCS_E_PROTOCOL_ERROR, "agent sent a response without an ID")
		}
		return m.ID, nil
	case TypeData, TypeWindow, TypeCloseStream, TypeResizeStream:
		if c.relay != nil {
			return 0, c.relay.Handle(m)
		}
	case TypeProcessExited:
		var ev ProcessExited
		if err := m.DecodeBody(&ev); err != nil {
			return 0, err
		}
		c.exits.Put(&ev)
	}
	return 0, nil
}

// Drained is closed once the connection has ended and OnExit has run for every exit it
// delivered: after it, no further OnExit call comes from this client.
func (c *Client) Drained() <-chan struct{} { return c.drained }

// notifyLoop runs OnExit for each exit, in order, until the connection ends.
func (c *Client) notifyLoop() {
	defer close(c.drained)
	for {
		ev, ok := c.exits.Get(nil)
		if !ok || ev == nil {
			return
		}
		if c.onExit != nil {
			c.onExit(*ev)
		}
	}
}

// call sends one request and waits for its response, decoding the result into out.
func (c *Client) call(ctx context.Context, typ Type, req any, fds []int, out any) error {
	body, err := NewMessage(typ, 0, req)
	if err != nil {
		return err
	}
	r, err := c.calls.Call(ctx, func(id uint64) *Message {
		m := *body
		m.ID = id
		return &m
	}, fds)
	switch {
	case err == nil:
		return result(r.Msg, out)
	case ctx.Err() != nil && errors.Is(err, ctx.Err()):
		return hresult.Wrap(err, 0, fmt.Sprintf("agent %s request", typ))
	}
	return err
}

// result turns a response into the error or the decoded result.
func result(r *Message, out any) error {
	if r.Error != nil {
		return r.Error.Err()
	}
	return r.DecodeBody(out)
}
