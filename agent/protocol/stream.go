package protocol

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"sync"
	"time"

	"github.com/linuxhcs/hcs/internal/fdconn"
	"github.com/linuxhcs/hcs/internal/mux"
)

// Stream is a byte stream that cannot carry descriptors, such as a virtio-serial port in a
// guest or the host's connection to QEMU's end of it. Its deadlines must interrupt blocked
// reads and writes.
type Stream interface {
	io.Reader
	io.Writer
	SetReadDeadline(t time.Time) error
	SetWriteDeadline(t time.Time) error
}

// SyncPreamble starts every session on a stream transport, in both directions. A stream may
// hold the tail of an earlier session (a frame cut short when its writer went away), so
// before its first frame each side discards input up to and including SyncTail. No valid
// session contains four zero bytes at a frame boundary (a frame is never empty) nor a NUL
// byte in a body (JSON), so the preamble cannot be mistaken for data; and a peer still in an
// earlier session reads the first four zero bytes as an empty frame, a protocol error that
// ends that session, while the rest of the preamble remains for its next one.
var SyncPreamble = []byte("\x00\x00\x00\x00\x00\x00\x00\x00HCS-SYNC")

// SyncTail is what a reader looks for: the last 12 bytes of SyncPreamble.
var SyncTail = SyncPreamble[4:]

// MaxSyncSkip bounds the bytes discarded while looking for SyncTail.
const MaxSyncSkip = 16 << 20

// streamFrames frames a Stream. Writes are serialised.
type streamFrames struct {
	s     Stream
	close func() error
	wmu   sync.Mutex
}

// NewStreamConn wraps a Stream. Close calls closeFn, which must make blocked reads and
// writes return (closing the stream, or setting its deadlines in the past when the stream
// outlives the session).
func NewStreamConn(s Stream, closeFn func() error) *Conn {
	return &Conn{mc: mux.NewConn(mux.Transport(&streamFrames{s: s, close: closeFn}), codec), stream: true}
}

// ReadFrame implements mux.Transport.
func (f *streamFrames) ReadFrame() (fdconn.Frame, error) {
	return fdconn.ReadFrame(noFDReader{f.s}, limits)
}

// WriteFrame implements mux.Transport; a stream cannot carry descriptors.
func (f *streamFrames) WriteFrame(body []byte, fds []int) error {
	if len(fds) > 0 {
		return fdconn.ProtocolError(fmt.Errorf("%w: a stream transport carries no descriptors", ErrTooManyFDs))
	}
	f.wmu.Lock()
	defer f.wmu.Unlock()
	return fdconn.WriteFrame(noFDWriter{f.s}, body, nil, limits)
}

func (f *streamFrames) SetReadDeadline(t time.Time) error  { return f.s.SetReadDeadline(t) }
func (f *streamFrames) SetWriteDeadline(t time.Time) error { return f.s.SetWriteDeadline(t) }
func (f *streamFrames) Close() error                       { return f.close() }

// noFDReader adapts an io.Reader to fdconn.FDReader.
type noFDReader struct{ r io.Reader }

func (n noFDReader) ReadFDs(p []byte) (int, []int, error) {
	k, err := n.r.Read(p)
	return k, nil, err
}

// noFDWriter adapts an io.Writer to fdconn.FDWriter.
type noFDWriter struct{ w io.Writer }

func (n noFDWriter) WriteFDs(p []byte, _ []int) error {
	_, err := n.w.Write(p)
	return err
}

// ErrNoSync is returned when no SyncTail arrives within MaxSyncSkip bytes.
var ErrNoSync = errors.New("no session preamble in the stream")

// StartStreamSession writes SyncPreamble and discards input up to the peer's SyncTail,
// within ctx.
func StartStreamSession(ctx context.Context, s Stream) error {
	stop := context.AfterFunc(ctx, func() {
		s.SetReadDeadline(time.Unix(1, 0))
		s.SetWriteDeadline(time.Unix(1, 0))
	})
	defer stop()
	if _, err := s.Write(SyncPreamble); err != nil {
		return withCtx(ctx, err)
	}
	return withCtx(ctx, skipToSync(s))
}

// skipToSync reads one byte at a time (so nothing after the preamble is consumed) until
// the last bytes read are SyncTail.
func skipToSync(r io.Reader) error {
	var window [16]byte
	tail := window[:0]
	b := make([]byte, 1)
	for n := 0; n < MaxSyncSkip; n++ {
		if _, err := io.ReadFull(r, b); err != nil {
			return err
		}
		if len(tail) == len(SyncTail) {
			tail = append(tail[:0], tail[1:]...)
		}
		tail = append(tail, b[0])
		if bytes.Equal(tail, SyncTail) {
			return nil
		}
	}
	return ErrNoSync
}

// withCtx prefers ctx's error when ctx ended.
func withCtx(ctx context.Context, err error) error {
	if err != nil && ctx.Err() != nil {
		return ctx.Err()
	}
	return err
}
