package protocol

import (
	"context"
	"errors"
	"fmt"
	"net"
	"sync"
	"time"

	"github.com/linuxhcs/hcs/agent/internal/queue"
	"github.com/linuxhcs/hcs/hresult"
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
	conn   *Conn
	agent  Hello
	onExit func(ProcessExited)
	// exits feeds OnExit; a nil item marks the end of the connection.
	exits *queue.Queue[*ProcessExited]
	done  chan struct{}
	// drained is closed once OnExit has run for every exit the connection delivered.
	drained chan struct{}
	// relay carries stdio on a Stream transport; nil on a unix socket.
	relay *Relay

	mu         sync.Mutex
	nextID     uint64
	nextStream uint32
	pending    map[uint64]chan *Message
	err        error // why the connection ended; set once, before done is closed
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
	hello, err := handshake(ctx, conn, opts.HostVersion)
	if err != nil {
		conn.Close()
		return nil, err
	}
	cl := &Client{
		conn:    conn,
		agent:   hello,
		onExit:  opts.OnExit,
		exits:   queue.New[*ProcessExited](),
		done:    make(chan struct{}),
		drained: make(chan struct{}),
		pending: make(map[uint64]chan *Message),
	}
	if conn.IsStream() {
		cl.relay = NewRelay(func(m *Message) error { return conn.WriteMessage(m, nil) })
	}
	go cl.readLoop()
	go cl.notifyLoop()
	return cl, nil
}

// handshake sends the host's Hello and reads the agent's, within ctx.
func handshake(ctx context.Context, conn *Conn, hostVersion string) (Hello, error) {
	stop := context.AfterFunc(ctx, func() { conn.SetReadDeadline(time.Unix(1, 0)) })
	h, err := exchangeHello(conn, hostVersion)
	// When ctx ended, even just as the handshake finished, the connection's read deadline
	// may already be in the past: the caller gave up, so the handshake fails.
	if !stop() || (err != nil && ctx.Err() != nil) {
		code := hresult.HRESULT(0) // keep the code of a cancellation
		if errors.Is(ctx.Err(), context.DeadlineExceeded) {
			code = hresult.HCS_E_CONNECTION_TIMEOUT
		}
		return Hello{}, hresult.Wrap(ctx.Err(), code, "agent handshake")
	}
	return h, err
}

// exchangeHello sends the host's Hello and reads and checks the agent's.
func exchangeHello(conn *Conn, hostVersion string) (Hello, error) {
	m, err := NewMessage(TypeHello, 0, Hello{ProtocolVersion: Version, HostVersion: hostVersion})
	if err != nil {
		return Hello{}, err
	}
	if err := conn.WriteMessage(m, nil); err != nil {
		return Hello{}, hresult.Wrap(err, hresult.HCS_E_CONNECT_FAILED, "send Hello to agent")
	}
	reply, fds, err := conn.ReadMessage()
	if err != nil {
		return Hello{}, hresult.Wrap(err, hresult.HCS_E_CONNECT_FAILED, "read agent Hello")
	}
	closeFDs(fds)
	return checkHello(reply)
}

// checkHello validates the agent's first message.
func checkHello(m *Message) (Hello, error) {
	if m.Type == TypeResponse && m.Error != nil {
		return Hello{}, m.Error.Err()
	}
	if m.Type != TypeHello {
		return Hello{}, hresult.Errorf(hresult.HCS_E_PROTOCOL_ERROR,
			"agent sent %q before Hello", m.Type)
	}
	var h Hello
	if err := m.DecodeBody(&h); err != nil {
		return Hello{}, err
	}
	if h.ProtocolVersion != Version {
		return Hello{}, hresult.Errorf(hresult.HCS_E_UNSUPPORTED_PROTOCOL_VERSION,
			"agent %q speaks protocol version %d, host speaks protocol version %d",
			h.AgentVersion, h.ProtocolVersion, Version)
	}
	return h, nil
}

// Agent returns the Hello the agent sent (its protocol and software versions).
func (c *Client) Agent() Hello { return c.agent }

// Done is closed when the connection has ended; Err then says why.
func (c *Client) Done() <-chan struct{} { return c.done }

// Err returns why the connection ended, or nil while it is open.
func (c *Client) Err() error {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.err
}

// Close ends the connection. Requests in flight fail with HCS_E_CONNECTION_CLOSED. The
// agent and its processes keep running; a later Dial reconnects.
func (c *Client) Close() error {
	c.fail(hresult.New(hresult.HCS_E_CONNECTION_CLOSED, "agent connection closed by the host"))
	return nil
}

// fail ends the connection with err (only the first call counts).
func (c *Client) fail(err error) {
	c.mu.Lock()
	if c.err != nil {
		c.mu.Unlock()
		return
	}
	if _, ok := errors.AsType[*hresult.Error](err); !ok || isClosed(err) {
		err = hresult.Wrap(err, hresult.HCS_E_CONNECTION_CLOSED, "agent connection lost")
	}
	c.err = err
	c.pending = nil
	close(c.done)
	c.mu.Unlock()
	c.conn.Close()
	if c.relay != nil {
		c.relay.Close()
	}
}

// readLoop dispatches responses and notifications until the connection ends.
func (c *Client) readLoop() {
	defer c.exits.Put(nil)
	for {
		m, fds, err := c.conn.ReadMessage()
		if err != nil {
			c.fail(err)
			return
		}
		closeFDs(fds) // the agent never sends descriptors
		if err := c.dispatch(m); err != nil {
			c.fail(err)
			return
		}
	}
}

// dispatch handles one message from the agent. Unknown types are ignored so that a newer
// agent can add notifications.
func (c *Client) dispatch(m *Message) error {
	switch m.Type {
	case TypeResponse:
		if m.ID == 0 {
			if m.Error != nil {
				return m.Error.Err()
			}
			return hresult.New(hresult.HCS_E_PROTOCOL_ERROR, "agent sent a response without an ID")
		}
		c.mu.Lock()
		ch := c.pending[m.ID]
		delete(c.pending, m.ID)
		c.mu.Unlock()
		if ch != nil {
			ch <- m
		}
	case TypeData, TypeWindow, TypeCloseStream, TypeResizeStream:
		if c.relay != nil {
			return c.relay.Handle(m)
		}
	case TypeProcessExited:
		var ev ProcessExited
		if err := m.DecodeBody(&ev); err != nil {
			return err
		}
		c.exits.Put(&ev)
	}
	return nil
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
	id, ch, err := c.register()
	if err != nil {
		return err
	}
	m, err := NewMessage(typ, id, req)
	if err == nil {
		err = c.conn.WriteMessage(m, fds)
	}
	if err != nil {
		c.unregister(id)
		if IsProtocolError(err) {
			return err // refused locally (too large); the connection is fine
		}
		c.fail(err)
		return c.Err()
	}
	select {
	case r := <-ch:
		return result(r, out)
	case <-ctx.Done():
		c.unregister(id)
		return hresult.Wrap(ctx.Err(), 0, fmt.Sprintf("agent %s request", typ))
	case <-c.done:
		select {
		case r := <-ch: // answered just before the connection ended
			return result(r, out)
		default:
			return c.Err()
		}
	}
}

// result turns a response into the error or the decoded result.
func result(r *Message, out any) error {
	if r.Error != nil {
		return r.Error.Err()
	}
	return r.DecodeBody(out)
}

func (c *Client) register() (uint64, chan *Message, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.err != nil {
		return 0, nil, c.err
	}
	c.nextID++
	ch := make(chan *Message, 1)
	c.pending[c.nextID] = ch
	return c.nextID, ch, nil
}

func (c *Client) unregister(id uint64) {
	c.mu.Lock()
	delete(c.pending, id)
	c.mu.Unlock()
}
