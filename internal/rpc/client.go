package rpc

import (
	"context"
	"errors"
	"net"
	"os"
	"sync"

	"github.com/linuxhcs/hcs/hresult"
	"github.com/linuxhcs/hcs/internal/fdconn"
	"github.com/linuxhcs/hcs/wire"
)

// ClientOptions configures a Client.
type ClientOptions struct {
	// Version is the client's software version, sent in its Hello; empty means
	// SoftwareVersion().
	Version string
	// MaxInFlight bounds the requests waiting for a response; more wait for a free slot.
	// Zero means wire.MaxInFlight.
	MaxInFlight int
	// EventBuffer is how many events may wait for the reader of Events before the client
	// stops reading the connection. Zero means 1024.
	EventBuffer int
}

// Client is the client side of a connection to hcsd. It is safe for concurrent use. The
// Events channel must be drained: while it is full, responses wait too.
type Client struct {
	c       *conn
	server  wire.Hello
	slots   chan struct{}
	events  chan wire.Event
	closing chan struct{} // closed by Close
	done    chan struct{} // closed when the connection has ended; err says why

	mu        sync.Mutex
	nextID    uint64
	pending   map[uint64]chan reply
	err       error
	closeOnce sync.Once
}

// reply is a Response with the files that came with it.
type reply struct {
	m     *wire.Message
	files []*os.File
}

// NewClient runs the handshake on a connected socket and returns the client, which owns the
// socket from then on (it is closed on failure).
func NewClient(ctx context.Context, uc *net.UnixConn, opts ClientOptions) (*Client, error) {
	fc, err := fdconn.New(uc, limits)
	if err != nil {
		uc.Close()
		return nil, hresult.Wrap(err, hresult.HCS_E_CONNECT_FAILED, "compute service connection")
	}
	if opts.Version == "" {
		opts.Version = SoftwareVersion()
	}
	c := &conn{fc: fc}
	hello, err := clientHandshake(ctx, c, opts.Version)
	if err != nil {
		fc.Close()
		return nil, err
	}
	cl := &Client{
		c: c, server: hello,
		slots:   make(chan struct{}, positive(opts.MaxInFlight, wire.MaxInFlight)),
		events:  make(chan wire.Event, positive(opts.EventBuffer, 1024)),
		closing: make(chan struct{}),
		done:    make(chan struct{}),
		pending: map[uint64]chan reply{},
	}
	go cl.readLoop()
	return cl, nil
}

func positive(n, def int) int {
	if n > 0 {
		return n
	}
	return def
}

// Server returns the Hello the service sent (its protocol and software versions).
func (c *Client) Server() wire.Hello { return c.server }

// Events returns the service's events. The channel is closed when the connection ends.
func (c *Client) Events() <-chan wire.Event { return c.events }

// Done is closed when the connection has ended; Err then says why.
func (c *Client) Done() <-chan struct{} { return c.done }

// Err returns why the connection ended: ERROR_INVALID_HANDLE after Close, and
// HCS_E_SERVICE_DISCONNECT wrapping the cause when the service went away. It is nil while
// the connection is open.
func (c *Client) Err() error {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.err
}

// Close ends the connection. Calls in flight and later calls fail with ERROR_INVALID_HANDLE.
func (c *Client) Close() error {
	c.closeOnce.Do(func() { close(c.closing) })
	c.fail(nil)
	return nil
}

// fail ends the connection; only the first call counts. After Close the reason is
// ERROR_INVALID_HANDLE; otherwise the service is gone: HCS_E_SERVICE_DISCONNECT wrapping err.
func (c *Client) fail(err error) {
	c.mu.Lock()
	if c.err != nil {
		c.mu.Unlock()
		return
	}
	select {
	case <-c.closing:
		err = hresult.New(hresult.ERROR_INVALID_HANDLE, "the connection to the compute service is closed")
	default:
		err = hresult.Wrap(err, hresult.HCS_E_SERVICE_DISCONNECT, "the connection to the compute service was lost")
	}
	c.err = err
	c.pending = nil
	close(c.done)
	c.mu.Unlock()
	c.c.fc.Close()
}

// readLoop routes responses and events until the connection ends, then closes Events.
func (c *Client) readLoop() {
	defer close(c.events)
	for {
		m, files, err := c.c.read()
		if err != nil {
			c.fail(err)
			return
		}
		if err := c.dispatch(m, files); err != nil {
			closeFiles(files)
			c.fail(err)
			return
		}
	}
}

// dispatch handles one message from the service.
func (c *Client) dispatch(m *wire.Message, files []*os.File) error {
	switch m.Type {
	case wire.TypeResponse:
		if m.ID == 0 {
			return decodeError(m.Error)
		}
		if err := checkFiles(m, len(files)); err != nil {
			return err
		}
		c.mu.Lock()
		ch := c.pending[m.ID]
		delete(c.pending, m.ID)
		c.mu.Unlock()
		if ch == nil { // its caller gave up
			closeFiles(files)
			return nil
		}
		ch <- reply{m, files}
	case wire.TypeEvent:
		if len(files) > 0 {
			return hresult.New(hresult.HCS_E_PROTOCOL_ERROR, "the compute service sent descriptors with an event")
		}
		select {
		case c.events <- *m.Event:
		case <-c.closing:
		}
	default:
		return hresult.Errorf(hresult.HCS_E_PROTOCOL_ERROR, "the compute service sent an unexpected %s message", m.Type)
	}
	return nil
}

// checkFiles verifies that a response carries exactly the descriptors it announces.
func checkFiles(m *wire.Message, n int) error {
	want := 0
	if m.Error == nil && m.Result != nil && m.Result.Process != nil {
		for _, on := range []bool{m.Result.Process.StdInput, m.Result.Process.StdOutput, m.Result.Process.StdError} {
			if on {
				want++
			}
		}
	}
	if n != want {
		return hresult.Errorf(hresult.HCS_E_PROTOCOL_ERROR, "response %d carries %d descriptors, announces %d", m.ID, n, want)
	}
	return nil
}

// Call sends a request and waits for its response. It returns the result and the files that
// came with it (the caller owns them), or the service's error as the *hresult.Error it sent.
// When ctx ends first the call returns its error; the request may still complete in the
// service, and its response is discarded.
func (c *Client) Call(ctx context.Context, method wire.Method, args *wire.Args) (*wire.Result, []*os.File, error) {
	return c.CallWithFile(ctx, method, args, nil)
}

// CallWithFile is Call sending file with the request (when not nil; Args.File is set for
// it). The caller keeps its own descriptor.
func (c *Client) CallWithFile(ctx context.Context, method wire.Method, args *wire.Args, file *os.File) (*wire.Result, []*os.File, error) {
	var out []*os.File
	if file != nil {
		if args == nil {
			args = &wire.Args{}
		}
		args.File = true
		out = []*os.File{file}
	}
	if args != nil && len(args.Document) > wire.MaxMessageSize {
		return nil, nil, hresult.Errorf(hresult.E_INVALIDARG, "%s request: a document of %d bytes exceeds the limit of %d", method, len(args.Document), wire.MaxMessageSize)
	}
	if err := c.acquire(ctx); err != nil {
		return nil, nil, err
	}
	defer func() { <-c.slots }()
	id, ch, err := c.register()
	if err != nil {
		return nil, nil, err
	}
	m := &wire.Message{Type: wire.TypeRequest, ID: id, Method: method, Args: args}
	if err := c.c.write(m, out); err != nil {
		c.unregister(id)
		if errors.Is(err, fdconn.ErrFrameTooLarge) {
			return nil, nil, hresult.Wrap(err, hresult.E_INVALIDARG, string(method)+" request")
		}
		c.fail(err)
		return nil, nil, c.Err()
	}
	return c.wait(ctx, id, ch)
}

// acquire takes an in-flight slot.
func (c *Client) acquire(ctx context.Context) error {
	select {
	case c.slots <- struct{}{}:
		return nil
	case <-c.done:
		return c.Err()
	case <-ctx.Done():
		return hresult.Wrap(ctx.Err(), 0, "waiting for a free request slot")
	}
}

// register allocates a request ID and its reply channel.
func (c *Client) register() (uint64, chan reply, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.err != nil {
		return 0, nil, c.err
	}
	c.nextID++
	ch := make(chan reply, 1)
	c.pending[c.nextID] = ch
	return c.nextID, ch, nil
}

func (c *Client) unregister(id uint64) {
	c.mu.Lock()
	delete(c.pending, id)
	c.mu.Unlock()
}

// wait waits for the response to request id.
func (c *Client) wait(ctx context.Context, id uint64, ch chan reply) (*wire.Result, []*os.File, error) {
	select {
	case r := <-ch:
		return r.result()
	case <-c.done:
		select {
		case r := <-ch: // delivered just before the end
			return r.result()
		default:
			return nil, nil, c.Err()
		}
	case <-ctx.Done():
		c.unregister(id)
		select {
		case r := <-ch:
			closeFiles(r.files)
		default:
		}
		return nil, nil, hresult.Wrap(ctx.Err(), 0, "waiting for the compute service")
	}
}

// result turns a Response into Call's results.
func (r reply) result() (*wire.Result, []*os.File, error) {
	if r.m.Error != nil {
		closeFiles(r.files)
		return nil, nil, decodeError(r.m.Error)
	}
	res := r.m.Result
	if res == nil {
		res = &wire.Result{}
	}
	return res, r.files, nil
}
