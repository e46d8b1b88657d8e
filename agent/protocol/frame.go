package protocol

import "github.com/linuxhcs/hcs/internal/fdconn"

// FDReader reads a byte stream together with the file descriptors that arrive with it.
type FDReader = fdconn.FDReader

// FDWriter writes a byte stream with file descriptors attached.
type FDWriter = fdconn.FDWriter

// Frame is one received message body with the descriptors that came with it.
type Frame = fdconn.Frame

// ErrFrameTooLarge is wrapped by the errors of frames whose length exceeds MaxMessageSize.
var ErrFrameTooLarge = fdconn.ErrFrameTooLarge

// ErrTooManyFDs is wrapped by the errors of frames that carry more than MaxFDs descriptors.
var ErrTooManyFDs = fdconn.ErrTooManyFDs

// limits are the framing limits of this protocol.
var limits = fdconn.Limits{MaxMessageSize: MaxMessageSize, MaxFDs: MaxFDs}

// ReadFrame reads exactly one frame from r. It returns io.EOF when the stream ends cleanly
// before a frame starts, and an error wrapping io.ErrUnexpectedEOF when it ends inside one.
// On any error every descriptor received so far is closed and the stream must be abandoned.
func ReadFrame(r FDReader) (Frame, error) { return fdconn.ReadFrame(r, limits) }

// WriteFrame writes body as one frame with fds attached to it.
func WriteFrame(w FDWriter, body []byte, fds []int) error {
	return fdconn.WriteFrame(w, body, fds, limits)
}

// IsProtocolError reports whether err means the peer broke the protocol (as opposed to the
// connection simply ending).
func IsProtocolError(err error) bool { return fdconn.IsProtocolError(err) }

// isClosed reports whether err only says that the connection ended.
func isClosed(err error) bool { return fdconn.IsClosed(err) }
