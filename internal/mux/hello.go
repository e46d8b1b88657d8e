package mux

import (
	"context"
	"errors"
	"time"

	"github.com/linuxhcs/hcs/hresult"
	"github.com/linuxhcs/hcs/internal/fdconn"
)

// Hello is one side's part of the version handshake.
type Hello[M any] struct {
	// Mine is the first message this side sends.
	Mine M
	// Check accepts the peer's first message and returns nil, or the error that ends the
	// connection: the refusal the peer sent instead of its Hello, HCS_E_PROTOCOL_ERROR for
	// any other message, or VersionMismatch.
	Check func(theirs M) error
	// Peer names the other side in errors ("the compute service", "the agent").
	Peer string
}

// Greet runs the handshake on the side that connected, within ctx: it sends h.Mine and reads
// and checks the peer's first message. A peer that refuses the connection may answer and
// hang up before our Hello went out, so its answer is read even when sending failed. A ctx
// that ends first fails the handshake with its error (HCS_E_CONNECTION_TIMEOUT for a
// deadline).
func Greet[M any](ctx context.Context, c *Conn[M], h Hello[M]) (M, error) {
	stop := context.AfterFunc(ctx, func() { c.SetReadDeadline(time.Unix(1, 0)) })
	theirs, err := exchange(c, h)
	// When ctx ended, even just as the exchange finished, the read deadline may already be
	// in the past: the caller gave up, so the handshake fails.
	if !stop() || (err != nil && ctx.Err() != nil) {
		var zero M
		code := hresult.HRESULT(0) // keep the code of a cancellation
		if errors.Is(ctx.Err(), context.DeadlineExceeded) {
			code = hresult.HCS_E_CONNECTION_TIMEOUT
		}
		return zero, hresult.Wrap(ctx.Err(), code, "handshake with "+h.Peer)
	}
	return theirs, err
}

// exchange sends our Hello, then reads and checks the peer's answer.
func exchange[M any](c *Conn[M], h Hello[M]) (M, error) {
	werr := c.Write(h.Mine, nil)
	theirs, fds, err := c.Read()
	fdconn.CloseFDs(fds) // a Hello carries none
	switch {
	case err != nil && werr != nil:
		return theirs, hresult.Wrap(werr, hresult.HCS_E_CONNECT_FAILED, "sending Hello to "+h.Peer)
	case err != nil:
		return theirs, hresult.Wrap(err, hresult.HCS_E_CONNECT_FAILED, "reading the Hello of "+h.Peer)
	}
	if err := h.Check(theirs); err != nil {
		return theirs, err
	}
	if werr != nil {
		return theirs, hresult.Wrap(werr, hresult.HCS_E_CONNECT_FAILED, "sending Hello to "+h.Peer)
	}
	return theirs, nil
}

// Answer runs the handshake on the side that accepted, within timeout: it sends h.Mine at
// once, then reads and checks the peer's Hello. On error the caller tells the peer why, as
// its protocol does, and closes the connection.
func Answer[M any](c *Conn[M], h Hello[M], timeout time.Duration) (M, error) {
	deadline := time.Now().Add(timeout)
	c.SetReadDeadline(deadline)
	c.SetWriteDeadline(deadline)
	defer c.SetReadDeadline(time.Time{})
	defer c.SetWriteDeadline(time.Time{})
	var zero M
	if err := c.Write(h.Mine, nil); err != nil {
		return zero, err
	}
	theirs, fds, err := c.Read()
	fdconn.CloseFDs(fds)
	if err != nil {
		return zero, err
	}
	return theirs, h.Check(theirs)
}

// VersionMismatch is the error of a handshake whose protocol versions differ. It names both
// sides with their software and protocol versions, the peer first.
func VersionMismatch(peer string, peerVersion int, me string, myVersion int) error {
	return hresult.Errorf(hresult.HCS_E_UNSUPPORTED_PROTOCOL_VERSION,
		"%s speaks protocol version %d, %s speaks protocol version %d", peer, peerVersion, me, myVersion)
}
