package mux

import (
	"sync"

	"github.com/linuxhcs/hcs/internal/fdconn"
)

// CallerOptions configures a Caller.
type CallerOptions[M any] struct {
	// MaxInFlight bounds the calls waiting for a response; later calls wait for a free
	// slot. Zero means no bound.
	MaxInFlight int
	// Route is called by the reader for every message, one at a time. It returns the ID of
	// the request a response answers, which hands the message and its descriptors to that
	// call, or 0 once it has handled a message that is no response (a notification), which
	// then owns the descriptors. An error ends the connection (the descriptors are closed).
	// Route may block; the connection is not read meanwhile.
	Route func(m M, fds []int) (id uint64, err error)
	// Lost turns why the connection ended (a read or write error, or Route's) into the error
	// pending and later calls fail with. Nil keeps the cause.
	Lost func(cause error) error
	// Ended, when set, runs on the reader's goroutine once the connection has ended and
	// Route will not be called again.
	Ended func()
}

// Reply is a response with the descriptors that came with it, which its receiver owns.
type Reply[M any] struct {
	Msg M
	FDs []int
}

// Caller is the connecting side of a request/response connection. It is safe for
// concurrent use.
type Caller[M any] struct {
	conn  *Conn[M]
	opts  CallerOptions[M]
	slots chan struct{} // nil without a bound
	done  chan struct{} // closed when the connection has ended; err says why

	mu      sync.Mutex
	nextID  uint64
	pending map[uint64]chan Reply[M]
	err     error
}

// NewCaller starts reading conn, whose handshake is done, and returns the Caller, which owns
// conn from then on.
func NewCaller[M any](conn *Conn[M], opts CallerOptions[M]) *Caller[M] {
	c := &Caller[M]{conn: conn, opts: opts, done: make(chan struct{}), pending: map[uint64]chan Reply[M]{}}
	if opts.MaxInFlight > 0 {
		c.slots = make(chan struct{}, opts.MaxInFlight)
	}
	go c.readLoop()
	return c
}

// Done is closed when the connection has ended; Err then says why.
func (c *Caller[M]) Done() <-chan struct{} { return c.done }

// Err returns why the connection ended, or nil while it is open.
func (c *Caller[M]) Err() error {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.err
}

// Close ends the connection with reason, which pending and later calls return. Only the
// first end counts: Close after the connection was lost changes nothing.
func (c *Caller[M]) Close(reason error) {
	c.mu.Lock()
	if c.err != nil {
		c.mu.Unlock()
		return
	}
	c.err = reason
	c.pending = nil // their callers see done and return err
	close(c.done)
	c.mu.Unlock()
	c.conn.Close()
}

// lose ends the connection because of cause (see CallerOptions.Lost).
func (c *Caller[M]) lose(cause error) {
	if c.opts.Lost != nil {
		cause = c.opts.Lost(cause)
	}
	c.Close(cause)
}

// readLoop routes messages until the connection ends.
func (c *Caller[M]) readLoop() {
	if c.opts.Ended != nil {
		defer c.opts.Ended()
	}
	for {
		m, fds, err := c.conn.Read()
		if err == nil {
			err = c.route(m, fds)
		}
		if err != nil {
			c.lose(err)
			return
		}
	}
}

// route hands one message to Route, and a response on to its call.
func (c *Caller[M]) route(m M, fds []int) error {
	id, err := c.opts.Route(m, fds)
	if err != nil {
		fdconn.CloseFDs(fds)
		return err
	}
	if id == 0 {
		return nil
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	ch := c.pending[id]
	if ch == nil { // its caller gave up
		fdconn.CloseFDs(fds)
		return nil
	}
	delete(c.pending, id)
	// Sent under mu (the channel has room for this one reply): a caller that gives up
	// unregisters under mu too, so it either finds the reply or it is never sent.
	ch <- Reply[M]{Msg: m, FDs: fds}
	return nil
}
