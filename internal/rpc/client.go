package rpc

import (
	"context"
	"errors"
	"net"
	"os"
	"runtime"
	"sync"

	"github.com/linuxhcs/hcs/hresult"
	"github.com/linuxhcs/hcs/internal/fdconn"
	"github.com/linuxhcs/hcs/internal/mux"
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
	calls   *mux.Caller[*wire.Message]
	server  wire.Hello
	events  chan wire.Event
	closing chan struct{} // closed by Close
	once    sync.Once
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
	c := newConn(fc)
	hello, err := clientHandshake(ctx, c, opts.Version)
	if err != nil {
		fc.Close()
		return nil, err
	}
	cl := &Client{server: hello, closing: make(chan struct{}),
		events: make(chan wire.Event, positive(opts.EventBuffer, 1024))}
	cl.calls = mux.NewCaller(c.mc, mux.CallerOptions[*wire.Message]{
		MaxInFlight: positive(opts.MaxInFlight, wire.MaxInFlight),
		Route:       cl.route,
		Lost: func(cause error) error {
			return hresult.Wrap(cause, hresult.HCS_E_SERVICE_DISCONNECT, "the connection to the compute service was lost")
		},
		Ended: func() { close(cl.events) },
	})
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
func (c *Client) Done() <-chan struct{} { return c.calls.Done() }

// Err returns why the connection ended: ERROR_INVALID_HANDLE after Close, and
// HCS_E_SERVICE_DISCONNECT wrapping the cause when the service went away. It is nil while
// the connection is open.
func (c *Client) Err() error { return c.calls.Err() }

// Close ends the connection. Calls in flight and later calls fail with ERROR_INVALID_HANDLE.
func (c *Client) Close() error {
	c.once.Do(func() { close(c.closing) })
	c.calls.Close(hresult.New(hresult.ERROR_INVALID_HANDLE, "the connection to the compute service is closed"))
	return nil
}

// route handles one message from the service: it returns the ID a response answers, or 0
// for an event, which it queues (waiting while Events is full, until Close).
func (c *Client) route(m *wire.Message, fds []int) (uint64, error) {
	switch m.Type {
	case wire.TypeResponse:
		if m.ID == 0 {
			return 0, decodeError(m.Error)
		}
		return m.ID, checkFiles(m, len(fds))
	case wire.TypeEvent:
		if len(fds) > 0 {
			return 0, hresult.New(hresult.HCS_E_PROTOCOL_ERROR, "the compute service sent descriptors with an event")
		}
		select {
		case c.events <- *m.Event:
		case <-c.closing:
		}
		return 0, nil
	default:
		return 0, hresult.Errorf(hresult.HCS_E_PROTOCOL_ERROR, "the compute service sent an unexpected %s message", m.Type)
	}
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
	r, err := c.calls.Call(ctx, func(id uint64) *wire.Message {
		return &wire.Message{Type: wire.TypeRequest, ID: id, Method: method, Args: args}
	}, fdsOf(out))
	runtime.KeepAlive(out) // the descriptor must stay open until sendmsg copied it
	switch {
	case err == nil:
		return result(r)
	case ctx.Err() != nil && errors.Is(err, ctx.Err()):
		return nil, nil, hresult.Wrap(err, 0, "waiting for the compute service")
	case mux.NotSent(err) && errors.Is(err, fdconn.ErrFrameTooLarge):
		return nil, nil, hresult.Wrap(err, hresult.E_INVALIDARG, string(method)+" request")
	}
	return nil, nil, err
}

// result turns a Response into Call's results.
func result(r mux.Reply[*wire.Message]) (*wire.Result, []*os.File, error) {
	files := toFiles(r.FDs)
	if r.Msg.Error != nil {
		closeFiles(files)
		return nil, nil, decodeError(r.Msg.Error)
	}
	res := r.Msg.Result
	if res == nil {
		res = &wire.Result{}
	}
	return res, files, nil
}
