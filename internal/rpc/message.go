package rpc

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"runtime"

	"github.com/linuxhcs/hcs/hresult"
	"github.com/linuxhcs/hcs/internal/fdconn"
	"github.com/linuxhcs/hcs/internal/mux"
	"github.com/linuxhcs/hcs/wire"
)

// limits are the framing limits of the hcsd socket.
var limits = fdconn.Limits{MaxMessageSize: wire.MaxMessageSize, MaxFDs: wire.MaxFDs}

// Encode returns the JSON body of m. HTML characters are not escaped, so a document costs no
// more than its JSON string escaping.
func Encode(m *wire.Message) ([]byte, error) {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(m); err != nil {
		return nil, hresult.Wrap(err, hresult.E_FAIL, "encoding a "+string(m.Type)+" message")
	}
	return bytes.TrimSuffix(b.Bytes(), []byte("\n")), nil
}

// Decode parses and checks one message body: a JSON object whose Type is known and whose
// members for that Type are present. Anything else is an error wrapping HCS_E_INVALID_JSON
// or HCS_E_PROTOCOL_ERROR, after which the connection is abandoned. Unknown members are
// ignored.
func Decode(body []byte) (*wire.Message, error) {
	var m wire.Message
	if err := json.Unmarshal(body, &m); err != nil {
		return nil, hresult.Wrap(err, hresult.HCS_E_INVALID_JSON, "message")
	}
	if err := check(&m); err != nil {
		return nil, err
	}
	return &m, nil
}

// check verifies that m has what its Type requires.
func check(m *wire.Message) error {
	bad := func(why string) error {
		return hresult.Errorf(hresult.HCS_E_PROTOCOL_ERROR, "%s message: %s", m.Type, why)
	}
	switch m.Type {
	case "":
		return hresult.New(hresult.HCS_E_INVALID_JSON, "message: Type is missing")
	case wire.TypeHello:
		if m.Hello == nil {
			return bad("Hello is missing")
		}
	case wire.TypeRequest:
		if m.ID == 0 || m.Method == "" {
			return bad("ID and Method are required")
		}
	case wire.TypeResponse:
		if m.ID == 0 && len(m.Error) == 0 {
			return bad("a Response without an ID must carry an Error")
		}
	case wire.TypeEvent:
		if m.Event == nil {
			return bad("Event is missing")
		}
	default:
		return hresult.Errorf(hresult.HCS_E_UNKNOWN_MESSAGE, "unknown message type %q", truncate(string(m.Type), 40))
	}
	return nil
}

// decodeError turns a Response's ResultError document back into the *hresult.Error it was
// made from.
func decodeError(doc json.RawMessage) error {
	e, err := hresult.FromResultError(doc)
	if err != nil {
		return hresult.Wrap(err, hresult.HCS_E_PROTOCOL_ERROR, "the service sent an unreadable error")
	}
	return e
}

// codec is how wire messages travel in frames.
var codec = mux.Codec[*wire.Message]{Encode: Encode, Decode: Decode}

// conn reads and writes messages, with files for descriptors.
type conn struct {
	fc *fdconn.Conn
	mc *mux.Conn[*wire.Message]
}

// newConn frames messages on fc, which the conn owns from then on.
func newConn(fc *fdconn.Conn) *conn {
	return &conn{fc: fc, mc: mux.NewConn(mux.Transport(fc), codec)}
}

// read returns the next message and the files that came with it, which the caller owns.
func (c *conn) read() (*wire.Message, []*os.File, error) {
	m, fds, err := c.mc.Read()
	if err != nil {
		return nil, nil, err
	}
	return m, toFiles(fds), nil
}

// write sends m with files attached; the caller keeps the files. A message too large to send
// is refused before anything is written (an error wrapping fdconn.ErrFrameTooLarge), so the
// connection stays usable.
func (c *conn) write(m *wire.Message, files []*os.File) error {
	err := c.mc.Write(m, fdsOf(files))
	runtime.KeepAlive(files) // the descriptors must stay open until sendmsg copied them
	return err
}

// toFiles wraps received descriptors.
func toFiles(fds []int) []*os.File {
	files := make([]*os.File, len(fds))
	for i, fd := range fds {
		files[i] = os.NewFile(uintptr(fd), fmt.Sprintf("hcsd-fd-%d", i))
	}
	return files
}

// fdsOf returns the descriptors of files, which must stay alive until they are sent.
func fdsOf(files []*os.File) []int {
	fds := make([]int, len(files))
	for i, f := range files {
		fds[i] = int(f.Fd())
	}
	return fds
}

// closeFiles closes every non-nil file.
func closeFiles(files []*os.File) {
	for _, f := range files {
		if f != nil {
			f.Close()
		}
	}
}

func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n] + "..."
}
