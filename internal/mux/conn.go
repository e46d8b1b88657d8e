package mux

import (
	"errors"
	"time"

	"github.com/linuxhcs/hcs/internal/fdconn"
)

// Transport moves frames: an *fdconn.Conn on a unix socket, or a framed byte stream that
// cannot carry descriptors. Writes may come from many goroutines at once; reads from one.
type Transport interface {
	// ReadFrame reads one frame; the caller owns its descriptors.
	ReadFrame() (fdconn.Frame, error)
	// WriteFrame sends body as one frame with fds attached; the caller keeps fds.
	WriteFrame(body []byte, fds []int) error
	// SetReadDeadline sets the deadline of ReadFrame.
	SetReadDeadline(t time.Time) error
	// SetWriteDeadline sets the deadline of WriteFrame.
	SetWriteDeadline(t time.Time) error
	// Close ends the transport; a blocked ReadFrame returns.
	Close() error
}

// Codec turns the messages of one protocol into frame bodies and back. Decode must reject
// anything that is not a valid message with an error (it parses outside input).
type Codec[M any] struct {
	Encode func(m M) ([]byte, error)
	Decode func(body []byte) (M, error)
}

// Conn reads and writes messages of type M over a Transport.
type Conn[M any] struct {
	t     Transport
	codec Codec[M]
}

// NewConn returns a Conn over t, which it owns from then on.
func NewConn[M any](t Transport, codec Codec[M]) *Conn[M] {
	return &Conn[M]{t: t, codec: codec}
}

// Transport returns the transport the Conn reads and writes.
func (c *Conn[M]) Transport() Transport { return c.t }

// Read returns the next message and the descriptors that came with it, which the caller
// owns. A frame that does not decode is an error, and its descriptors are closed.
func (c *Conn[M]) Read() (M, []int, error) {
	f, err := c.t.ReadFrame()
	if err != nil {
		var zero M
		return zero, nil, err
	}
	m, err := c.codec.Decode(f.Body)
	if err != nil {
		fdconn.CloseFDs(f.FDs)
		return m, nil, err
	}
	return m, f.FDs, nil
}

// Write sends m with fds attached; the caller keeps fds. A message that cannot be encoded or
// breaks the frame limits is refused before any byte is written (NotSent reports it), so the
// connection stays usable.
func (c *Conn[M]) Write(m M, fds []int) error {
	body, err := c.codec.Encode(m)
	if err != nil {
		return notSent{err}
	}
	err = c.t.WriteFrame(body, fds)
	if errors.Is(err, fdconn.ErrFrameTooLarge) || errors.Is(err, fdconn.ErrTooManyFDs) {
		return notSent{err}
	}
	return err
}

// SetReadDeadline sets the deadline of Read.
func (c *Conn[M]) SetReadDeadline(t time.Time) error { return c.t.SetReadDeadline(t) }

// SetWriteDeadline sets the deadline of Write.
func (c *Conn[M]) SetWriteDeadline(t time.Time) error { return c.t.SetWriteDeadline(t) }

// Close closes the transport.
func (c *Conn[M]) Close() error { return c.t.Close() }

// notSent marks the error of a message refused before anything was written.
type notSent struct{ error }

func (e notSent) Unwrap() error { return e.error }

// NotSent reports whether err is a Write (or Call) refusal that left the connection usable:
// the message could not be encoded or was too large, or carried too many descriptors.
func NotSent(err error) bool {
	var n notSent
	return errors.As(err, &n)
}
