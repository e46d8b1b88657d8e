package protocol

import (
	"encoding/json"
	"fmt"
	"net"
	"time"

	"github.com/linuxhcs/hcs/hresult"
	"github.com/linuxhcs/hcs/internal/fdconn"
)

// Conn sends and receives messages over a connected unix stream socket, or over a Stream
// without descriptors (NewStreamConn). Reads must come from one goroutine at a time; writes
// may come from any number of goroutines.
type Conn struct {
	fc frameConn
	// stream is true for a Stream transport: stdio is relayed (see Relay).
	stream bool
}

// IsStream reports whether the connection is a Stream transport, whose processes' stdio is
// relayed over the connection instead of passed as descriptors.
func (c *Conn) IsStream() bool { return c.stream }

// NewConn wraps a connected unix stream socket. The Conn owns c from then on.
func NewConn(c *net.UnixConn) (*Conn, error) {
	fc, err := fdconn.New(c, limits)
	if err != nil {
		return nil, err
	}
	return &Conn{fc: fc}, nil
}

// ReadMessage reads one message and the descriptors that came with it; the caller owns them.
// A frame that is not a valid envelope is a protocol error (HCS_E_INVALID_JSON).
func (c *Conn) ReadMessage() (*Message, []int, error) {
	f, err := c.fc.ReadFrame()
	if err != nil {
		return nil, nil, err
	}
	m, err := DecodeMessage(f.Body)
	if err != nil {
		closeFDs(f.FDs)
		return nil, nil, err
	}
	return m, f.FDs, nil
}

// DecodeMessage parses a frame body into an envelope. A body that is not a JSON object with
// a Type is an error wrapping HCS_E_INVALID_JSON.
func DecodeMessage(body []byte) (*Message, error) {
	var m Message
	if err := json.Unmarshal(body, &m); err != nil {
		return nil, hresult.Wrap(err, hresult.HCS_E_INVALID_JSON, "message envelope")
	}
	if m.Type == "" {
		return nil, hresult.New(hresult.HCS_E_INVALID_JSON, "message envelope: Type is missing")
	}
	return &m, nil
}

// WriteMessage sends m with fds attached; the caller keeps ownership of fds.
func (c *Conn) WriteMessage(m *Message, fds []int) error {
	body, err := json.Marshal(m)
	if err != nil {
		return fmt.Errorf("encode %s message: %w", m.Type, err)
	}
	return c.fc.WriteFrame(body, fds)
}

// SetReadDeadline sets the deadline for ReadMessage.
func (c *Conn) SetReadDeadline(t time.Time) error { return c.fc.SetReadDeadline(t) }

// SetWriteDeadline sets the deadline for WriteMessage.
func (c *Conn) SetWriteDeadline(t time.Time) error { return c.fc.SetWriteDeadline(t) }

// Close closes the socket; a blocked ReadMessage returns.
func (c *Conn) Close() error { return c.fc.Close() }

// NewMessage builds an envelope whose Body is the JSON encoding of body (none when nil).
func NewMessage(typ Type, id uint64, body any) (*Message, error) {
	m := &Message{Type: typ, ID: id}
	if body == nil {
		return m, nil
	}
	raw, err := json.Marshal(body)
	if err != nil {
		return nil, fmt.Errorf("encode %s body: %w", typ, err)
	}
	m.Body = raw
	return m, nil
}

// DecodeBody decodes m.Body into v. An absent Body leaves v unchanged; a nil v ignores the
// Body. Failures wrap HCS_E_INVALID_JSON and name the message type.
func (m *Message) DecodeBody(v any) error {
	if v == nil || len(m.Body) == 0 || string(m.Body) == "null" {
		return nil
	}
	if err := json.Unmarshal(m.Body, v); err != nil {
		return hresult.Wrap(err, hresult.HCS_E_INVALID_JSON, string(m.Type)+" body")
	}
	return nil
}
