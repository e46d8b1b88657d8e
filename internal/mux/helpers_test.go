package mux

import (
	"encoding/json"
	"errors"
	"net"
	"sync"
	"testing"
	"time"

	"github.com/linuxhcs/hcs/hresult"
	"github.com/linuxhcs/hcs/internal/fdconn"
	"github.com/linuxhcs/hcs/internal/testutil"
)

// patience bounds every wait in these tests.
const patience = 10 * time.Second

// msg is the envelope of the protocol these tests speak.
type msg struct {
	Kind string `json:"Kind"` // hello, req, resp or note
	ID   uint64 `json:"ID,omitempty"`
	V    int    `json:"V,omitempty"` // protocol version, in a hello
	Text string `json:"Text,omitempty"`
}

var errNoKind = errors.New("message without a Kind")

var testCodec = Codec[*msg]{
	Encode: func(m *msg) ([]byte, error) {
		if m.Kind == "" {
			return nil, errNoKind
		}
		return json.Marshal(m)
	},
	Decode: func(b []byte) (*msg, error) {
		var m msg
		err := json.Unmarshal(b, &m)
		if err == nil && m.Kind == "" {
			err = errNoKind
		}
		return &m, err
	},
}

// testLimits are small enough for a test to exceed.
var testLimits = fdconn.Limits{MaxMessageSize: 1024, MaxFDs: 2}

// pair returns the two ends of a connection, closed at the end of the test.
func pair(t *testing.T) (a, b *Conn[*msg]) {
	t.Helper()
	ua, ub := testutil.SocketPair(t)
	return wrap(t, ua), wrap(t, ub)
}

func wrap(t *testing.T, uc *net.UnixConn) *Conn[*msg] {
	t.Helper()
	fc, err := fdconn.New(uc, testLimits)
	if err != nil {
		t.Fatal(err)
	}
	return NewConn(Transport(fc), testCodec)
}

// responder answers requests on the accepting end: answer gives the response text and
// the descriptors to send with it.
type responder struct {
	t      *testing.T
	conn   *Conn[*msg]
	stop   chan struct{}
	done   chan error
	wg     sync.WaitGroup
	answer func(req *msg) (string, []int)
}

// respond serves conn with slots handlers at a time until the test ends.
func respond(t *testing.T, conn *Conn[*msg], slots int, answer func(req *msg) (string, []int)) *responder {
	r := &responder{t: t, conn: conn, stop: make(chan struct{}), done: make(chan error, 1), answer: answer}
	go func() {
		r.done <- Dispatch(conn, Dispatcher[*msg]{Slots: make(chan struct{}, slots), Stop: r.stop, Handlers: &r.wg,
			Route: func(m *msg, fds []int) (func(), error) {
				if m.Kind != "req" {
					return nil, hresult.Errorf(hresult.HCS_E_PROTOCOL_ERROR, "unexpected %s", m.Kind)
				}
				fdconn.CloseFDs(fds)
				return func() { r.serve(m) }, nil
			}})
	}()
	t.Cleanup(func() { close(r.stop); conn.Close(); <-r.done; r.wg.Wait() })
	return r
}

func (r *responder) serve(req *msg) {
	text, fds := r.answer(req)
	r.conn.Write(&msg{Kind: "resp", ID: req.ID, Text: text}, fds)
	fdconn.CloseFDs(fds)
}

// caller starts a Caller on conn whose handshake is taken as done.
func caller(t *testing.T, conn *Conn[*msg], maxInFlight int) *Caller[*msg] {
	c := NewCaller(conn, CallerOptions[*msg]{MaxInFlight: maxInFlight,
		Route: func(m *msg, fds []int) (uint64, error) {
			if m.Kind != "resp" {
				return 0, hresult.Errorf(hresult.HCS_E_PROTOCOL_ERROR, "unexpected %s", m.Kind)
			}
			return m.ID, nil
		},
		Lost: func(cause error) error { return hresult.Wrap(cause, hresult.HCS_E_CONNECTION_CLOSED, "lost") },
	})
	t.Cleanup(func() { c.Close(errors.New("test over")) })
	return c
}

// request builds a request with text.
func request(text string) func(uint64) *msg {
	return func(id uint64) *msg { return &msg{Kind: "req", ID: id, Text: text} }
}
