package fdconn

import (
	"encoding/binary"
	"errors"
	"fmt"
	"io"

	"github.com/linuxhcs/hcs/hresult"
)

// Limits bounds what one frame may hold.
type Limits struct {
	// MaxMessageSize is the largest body, in bytes; a body is never empty.
	MaxMessageSize int
	// MaxFDs is the largest number of descriptors one frame may carry.
	MaxFDs int
}

// FDReader reads a byte stream together with the file descriptors that arrive with it.
type FDReader interface {
	// ReadFDs reads up to len(p) bytes, never more, like io.Reader.Read. The descriptors
	// returned arrived with those bytes and now belong to the caller. At end of stream it
	// returns 0, nil, io.EOF.
	ReadFDs(p []byte) (n int, fds []int, err error)
}

// FDWriter writes a byte stream with file descriptors attached.
type FDWriter interface {
	// WriteFDs writes all of p, attaching fds to its first byte. The caller keeps
	// ownership of fds.
	WriteFDs(p []byte, fds []int) error
}

// Frame is one received message body with the descriptors that came with it.
type Frame struct {
	Body []byte
	FDs  []int
}

// ErrFrameTooLarge is wrapped by the errors of frames whose length exceeds the size limit.
var ErrFrameTooLarge = errors.New("frame exceeds the message size limit")

// ErrTooManyFDs is wrapped by the errors of frames that carry more descriptors than allowed.
var ErrTooManyFDs = errors.New("frame carries too many file descriptors")

// HeaderSize is the size of the length prefix of every frame.
const HeaderSize = 4

// ReadFrame reads exactly one frame from r. It returns io.EOF when the stream ends cleanly
// before a frame starts, and an error wrapping io.ErrUnexpectedEOF when it ends inside one.
// On any error every descriptor received so far is closed and the stream must be abandoned.
func ReadFrame(r FDReader, lim Limits) (Frame, error) {
	var hdr [HeaderSize]byte
	fds, err := readFull(r, hdr[:], nil, lim)
	if err != nil {
		return Frame{}, err
	}
	size := binary.BigEndian.Uint32(hdr[:])
	if size == 0 || uint64(size) > uint64(lim.MaxMessageSize) {
		CloseFDs(fds)
		return Frame{}, ProtocolError(fmt.Errorf("%w: frame of %d bytes (limit %d, minimum 1)",
			ErrFrameTooLarge, size, lim.MaxMessageSize))
	}
	body := make([]byte, size)
	fds, err = readFull(r, body, fds, lim)
	if errors.Is(err, io.EOF) {
		err = ProtocolError(fmt.Errorf("frame of %d bytes: %w", size, io.ErrUnexpectedEOF))
	}
	if err != nil {
		return Frame{}, err
	}
	return Frame{Body: body, FDs: fds}, nil
}

// readFull fills p from r, appending received descriptors to fds. A clean EOF before the
// first byte is io.EOF; any later EOF is io.ErrUnexpectedEOF.
func readFull(r FDReader, p []byte, fds []int, lim Limits) ([]int, error) {
	got := 0
	for got < len(p) {
		n, more, err := r.ReadFDs(p[got:])
		fds = append(fds, more...)
		got += n
		if len(fds) > lim.MaxFDs {
			CloseFDs(fds)
			return nil, ProtocolError(fmt.Errorf("%w: %d (limit %d)", ErrTooManyFDs, len(fds), lim.MaxFDs))
		}
		if err == nil && n == 0 {
			err = io.ErrNoProgress
		}
		if err != nil && got < len(p) {
			CloseFDs(fds)
			if errors.Is(err, io.EOF) && got > 0 {
				err = ProtocolError(fmt.Errorf("stream ended inside a frame: %w", io.ErrUnexpectedEOF))
			}
			return nil, err
		}
	}
	return fds, nil
}

// WriteFrame writes body as one frame with fds attached to it.
func WriteFrame(w FDWriter, body []byte, fds []int, lim Limits) error {
	if len(body) == 0 || len(body) > lim.MaxMessageSize {
		return ProtocolError(fmt.Errorf("%w: refusing to send %d bytes (limit %d)",
			ErrFrameTooLarge, len(body), lim.MaxMessageSize))
	}
	if len(fds) > lim.MaxFDs {
		return ProtocolError(fmt.Errorf("%w: refusing to send %d (limit %d)", ErrTooManyFDs, len(fds), lim.MaxFDs))
	}
	buf := make([]byte, HeaderSize+len(body))
	binary.BigEndian.PutUint32(buf, uint32(len(body)))
	copy(buf[HeaderSize:], body)
	return w.WriteFDs(buf, fds)
}

// ProtocolError marks err as a violation of the framing rules (HCS_E_PROTOCOL_ERROR).
func ProtocolError(err error) error {
	return hresult.Wrap(err, hresult.HCS_E_PROTOCOL_ERROR, "protocol error")
}

// IsProtocolError reports whether err means the peer broke the protocol (as opposed to the
// connection simply ending): a framing error or a body that is not valid JSON.
func IsProtocolError(err error) bool {
	return errors.Is(err, hresult.HCS_E_PROTOCOL_ERROR) || errors.Is(err, hresult.HCS_E_INVALID_JSON)
}
