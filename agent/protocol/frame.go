package protocol

import (
	"encoding/binary"
	"errors"
	"fmt"
	"io"

	"github.com/linuxhcs/hcs/hresult"
)

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

// ErrFrameTooLarge is wrapped by the errors of frames whose length exceeds MaxMessageSize.
var ErrFrameTooLarge = errors.New("frame exceeds the message size limit")

// ErrTooManyFDs is wrapped by the errors of frames that carry more than MaxFDs descriptors.
var ErrTooManyFDs = errors.New("frame carries too many file descriptors")

const headerSize = 4

// ReadFrame reads exactly one frame from r. It returns io.EOF when the stream ends cleanly
// before a frame starts, and an error wrapping io.ErrUnexpectedEOF when it ends inside one.
// On any error every descriptor received so far is closed and the stream must be abandoned.
func ReadFrame(r FDReader) (Frame, error) {
	var hdr [headerSize]byte
	fds, err := readFull(r, hdr[:], nil)
	if err != nil {
		return Frame{}, err
	}
	size := binary.BigEndian.Uint32(hdr[:])
	if size == 0 || size > MaxMessageSize {
		closeFDs(fds)
		return Frame{}, protocolErr(fmt.Errorf("%w: frame of %d bytes (limit %d, minimum 1)",
			ErrFrameTooLarge, size, MaxMessageSize))
	}
	body := make([]byte, size)
	fds, err = readFull(r, body, fds)
	if errors.Is(err, io.EOF) {
		err = protocolErr(fmt.Errorf("frame of %d bytes: %w", size, io.ErrUnexpectedEOF))
	}
	if err != nil {
		return Frame{}, err
	}
	return Frame{Body: body, FDs: fds}, nil
}

// readFull fills p from r, appending received descriptors to fds. A clean EOF before the
// first byte is io.EOF; any later EOF is io.ErrUnexpectedEOF.
func readFull(r FDReader, p []byte, fds []int) ([]int, error) {
	got := 0
	for got < len(p) {
		n, more, err := r.ReadFDs(p[got:])
		fds = append(fds, more...)
		got += n
		if len(fds) > MaxFDs {
			closeFDs(fds)
			return nil, protocolErr(fmt.Errorf("%w: %d (limit %d)", ErrTooManyFDs, len(fds), MaxFDs))
		}
		if err == nil && n == 0 {
			err = io.ErrNoProgress
		}
		if err != nil && got < len(p) {
			closeFDs(fds)
			if errors.Is(err, io.EOF) && got > 0 {
				err = protocolErr(fmt.Errorf("stream ended inside a frame: %w", io.ErrUnexpectedEOF))
			}
			return nil, err
		}
	}
	return fds, nil
}

// WriteFrame writes body as one frame with fds attached to it.
func WriteFrame(w FDWriter, body []byte, fds []int) error {
	if len(body) == 0 || len(body) > MaxMessageSize {
		return protocolErr(fmt.Errorf("%w: refusing to send %d bytes (limit %d)",
			ErrFrameTooLarge, len(body), MaxMessageSize))
	}
	if len(fds) > MaxFDs {
		return protocolErr(fmt.Errorf("%w: refusing to send %d (limit %d)", ErrTooManyFDs, len(fds), MaxFDs))
	}
	buf := make([]byte, headerSize+len(body))
	binary.BigEndian.PutUint32(buf, uint32(len(body)))
	copy(buf[headerSize:], body)
	return w.WriteFDs(buf, fds)
}

// protocolErr marks err as a violation of the framing rules.
func protocolErr(err error) error {
	return hresult.Wrap(err, hresult.HCS_E_PROTOCOL_ERROR, "protocol error")
}

// IsProtocolError reports whether err means the peer broke the protocol (as opposed to the
// connection simply ending).
func IsProtocolError(err error) bool {
	return errors.Is(err, hresult.HCS_E_PROTOCOL_ERROR) || errors.Is(err, hresult.HCS_E_INVALID_JSON)
}
