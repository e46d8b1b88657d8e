package protocol

import (
	"encoding/json"
	"fmt"
	"net"
	"time"

	"github.com/linuxhcs/hcs/hresult"
	"github.com/linuxhcs/hcs/internal/fdconn"
	"github.com/linuxhcs/hcs/internal/mux"
)

// Conn sends and receives messages over a connected unix stream socket, or over a Stream
// without descriptors (NewStreamConn). Reads must come from one goroutine at a time; writes
// may come from any number of goroutines.
type Conn struct {
	mc *mux.Conn[*Message]
	// stream is true for a Stream transport: stdio is relayed (see Relay).
	stream bool
}

// codec is how envelopes travel in frames.
var codec = mux.Codec[*Message]{Encode: encodeMessage, Decode: DecodeMessage}

// Dispatcher configures Conn.Dispatch: the agent's in-flight slots and its request router.
type Dispatcher = mux.Dispatcher[*Message]

// IsStream reports whether the connection is a Stream transport, whose processes' stdio is
// relayed over the connection instead of passed as descriptors.
func (c *Conn) IsStream() bool { return c.stream }

// NewConn wraps a connected unix stream socket. The Conn owns c from then on.
func NewConn(c *net.UnixConn) (*Conn, error) {
	fc, err := fdconn.New(c, limits)
	if err != nil {
		return nil, err
	}
	return &Conn{mc: mux.NewConn(mux.Transport(fc), codec)}, nil
}

// ReadMessage reads one message and the descriptors that came with it; the caller owns them.
// A frame that is not a valid envelope is a protocol error (HCS_E_INVALID_JSON).
func (c *Conn) ReadMessage() (*Message, []int, error) { return c.mc.Read() }

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

func encodeMessage(m *Message) ([]byte, error) {
	body, err := json.Marshal(m)
	if err != nil {
		return nil, fmt.Errorf("encode %s message: %w", m.Type, err)
	}
	return body, nil
}

// WriteMessage sends m with fds attached; the caller keeps ownership of fds.
func (c *Conn) WriteMessage(m *Message, fds []int) error { return c.mc.Write(m, fds) }

// Dispatch reads requests until the connection ends, d.Route fails or d.Stop is closed; see
// the Dispatcher's fields. It returns the error that ended it (nil for Stop).
func (c *Conn) Dispatch(d Dispatcher) error { return mux.Dispatch(c.mc, d) }

// SetReadDeadline sets the deadline for ReadMessage.
func (c *Conn) SetReadDeadline(t time.Time) error { return c.mc.SetReadDeadline(t) }

// SetWriteDeadline sets the deadline for WriteMessage.
func (c *Conn) SetWriteDeadline(t time.Time) error { return c.mc.SetWriteDeadline(t) }

// Close closes the socket; a blocked ReadMessage returns.
func (c *Conn) Close() error { return c.mc.Close() }

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
