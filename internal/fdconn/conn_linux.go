package fdconn

import (
	"net"
	"sync"
	"time"
)

// Conn reads and writes frames on a connected unix stream socket. Reads must come from one
// goroutine at a time; writes may come from any number of goroutines, and the bytes of
// concurrent frames never interleave.
type Conn struct {
	c   *net.UnixConn
	t   *Transport
	lim Limits

	// wmu serialises frames; writeTimeout is applied to each frame under it.
	wmu          sync.Mutex
	writeTimeout time.Duration
}

// New wraps a connected unix stream socket with the given limits. The Conn owns c from then
// on.
func New(c *net.UnixConn, lim Limits) (*Conn, error) {
	t, err := NewTransport(c, lim.MaxFDs)
	if err != nil {
		return nil, err
	}
	return &Conn{c: c, t: t, lim: lim}, nil
}

// Limits returns the limits the Conn enforces.
func (c *Conn) Limits() Limits { return c.lim }

// SetWriteTimeout bounds the time each later WriteFrame may block; zero means no bound. A
// frame that times out leaves the stream unusable, so the caller should close the Conn.
func (c *Conn) SetWriteTimeout(d time.Duration) {
	c.wmu.Lock()
	c.writeTimeout = d
	c.wmu.Unlock()
}

// ReadFrame reads one frame; the caller owns its descriptors. See the package ReadFrame.
func (c *Conn) ReadFrame() (Frame, error) { return ReadFrame(c.t, c.lim) }

// WriteFrame sends body as one frame with fds attached; the caller keeps ownership of fds.
func (c *Conn) WriteFrame(body []byte, fds []int) error {
	c.wmu.Lock()
	defer c.wmu.Unlock()
	if c.writeTimeout > 0 {
		if err := c.c.SetWriteDeadline(time.Now().Add(c.writeTimeout)); err != nil {
			return err
		}
	}
	return WriteFrame(c.t, body, fds, c.lim)
}

// SetReadDeadline sets the deadline for ReadFrame.
func (c *Conn) SetReadDeadline(t time.Time) error { return c.c.SetReadDeadline(t) }

// SetWriteDeadline sets the deadline for WriteFrame; it is overridden by a write timeout.
func (c *Conn) SetWriteDeadline(t time.Time) error { return c.c.SetWriteDeadline(t) }

// CloseWrite shuts down the sending side: the peer reads end of stream after the frames
// already sent.
func (c *Conn) CloseWrite() error { return c.c.CloseWrite() }

// Close closes the socket; a blocked ReadFrame or WriteFrame returns.
func (c *Conn) Close() error { return c.c.Close() }

// UnixConn returns the socket, for peer credentials and the like.
func (c *Conn) UnixConn() *net.UnixConn { return c.c }
