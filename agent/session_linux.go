package agent

import (
	"context"
	"errors"
	"fmt"
	"net"
	"sync"
	"time"

	"github.com/linuxhcs/hcs/agent/internal/queue"
	"github.com/linuxhcs/hcs/agent/protocol"
	"github.com/linuxhcs/hcs/hresult"
)

const (
	// handshakeTimeout bounds the exchange of Hello messages.
	handshakeTimeout = 10 * time.Second
	// maxHandshakes bounds connections that have not finished their handshake.
	maxHandshakes = 16
	// maxInFlight bounds the requests of one connection being handled at once; the reader
	// stops reading while the limit is reached.
	maxInFlight = 256
	// flushTimeout bounds the wait for the last messages (a Shutdown response, the exits a
	// shutdown caused) to be written before the agent exits.
	flushTimeout = 5 * time.Second
)

// acceptLoop accepts connections until the listener is closed. A failed accept never ends
// the agent.
func (a *Agent) acceptLoop() {
	pending := make(chan struct{}, maxHandshakes)
	for seq := uint64(1); ; seq++ {
		c, err := a.ln.AcceptUnix()
		if errors.Is(err, net.ErrClosed) {
			return
		}
		if err != nil {
			a.log.Printf("accept: %v", err)
			time.Sleep(50 * time.Millisecond) // for example out of descriptors
			continue
		}
		select {
		case pending <- struct{}{}:
			go a.serve(c, seq, func() { <-pending })
		default:
			a.log.Printf("refusing a connection: %d handshakes already in progress", maxHandshakes)
			c.Close()
		}
	}
}

// serve runs one connection: handshake, then requests until it ends or is replaced. seq is
// the connection's place in accept order.
func (a *Agent) serve(c *net.UnixConn, seq uint64, handshakeDone func()) {
	conn, err := protocol.NewConn(c)
	if err != nil {
		handshakeDone()
		c.Close()
		return
	}
	a.serveConn(conn, seq, handshakeDone)
}

// serveConn runs a connection's handshake and session; it returns once the session ended
// and its writer stopped.
func (a *Agent) serveConn(conn *protocol.Conn, seq uint64, handshakeDone func()) {
	_, err := conn.AnswerHello(Version, handshakeTimeout)
	handshakeDone()
	if err != nil {
		a.log.Printf("handshake: %v", err)
		conn.Close()
		return
	}
	s := newSession(a, conn, seq)
	if a.attach(s) {
		s.run()
		a.detach(s)
		<-s.written
	}
}

// attach makes s the current connection, replacing the previous one, and queues every
// unacknowledged exit on it. Holding mu while queueing means no exit is missed or sent
// twice between the snapshot and the switch. The connection accepted last wins, whatever
// order the handshakes finish in: a connection older than the current one is closed and
// attach reports false.
func (a *Agent) attach(s *session) bool {
	a.mu.Lock()
	old := a.sess
	if old != nil && old.seq > s.seq {
		a.mu.Unlock()
		s.close()
		return false
	}
	a.sess = s
	for _, ev := range a.exits.pending(0) {
		s.notify(ev)
	}
	a.mu.Unlock()
	if old != nil {
		old.close()
	}
	return true
}

// detach forgets s if it is still the current connection.
func (a *Agent) detach(s *session) {
	a.mu.Lock()
	if a.sess == s {
		a.sess = nil
	}
	a.mu.Unlock()
}

// session is one connection from the host after its handshake.
type session struct {
	a    *Agent
	conn *protocol.Conn
	seq  uint64 // accept order
	out  *queue.Queue[outMsg]
	// ctx ends when the session does; handlers waiting on the host's behalf watch it.
	ctx       context.Context
	cancel    context.CancelFunc
	inFlight  chan struct{}
	closeOnce sync.Once
	// relay carries the stdio of spawned processes on a stream transport (else nil).
	relay *protocol.Relay
	// written is closed when the writer has stopped: nothing more is written to conn.
	written chan struct{}
}

// outMsg is a message waiting to be written; sent, when set, receives the write's result.
// An outMsg without a message only marks a point in the queue (see flush).
type outMsg struct {
	m    *protocol.Message
	sent chan error
}

func newSession(a *Agent, conn *protocol.Conn, seq uint64) *session {
	ctx, cancel := context.WithCancel(context.Background())
	s := &session{a: a, conn: conn, seq: seq, out: queue.New[outMsg](), cancel: cancel,
		inFlight: make(chan struct{}, maxInFlight), written: make(chan struct{})}
	if conn.IsStream() {
		s.relay = protocol.NewRelay(s.sendRelay)
		ctx = withRelay(ctx, s.relay)
	}
	s.ctx = ctx
	return s
}

// run reads requests until the connection ends, then closes the session.
func (s *session) run() {
	go s.writeLoop()
	defer s.close()
	err := s.conn.Dispatch(protocol.Dispatcher{Slots: s.inFlight, Stop: s.ctx.Done(), Route: s.route})
	if err != nil && protocol.IsProtocolError(err) {
		s.a.log.Printf("closing connection: %v", err)
		s.conn.SendFatal(err)
	}
}

// route returns the handler of a request; relay messages it applies at once, in order.
func (s *session) route(m *protocol.Message, fds []int) (func(), error) {
	if s.relay != nil && protocol.IsRelayMessage(m.Type) {
		return nil, s.relay.Handle(m)
	}
	if m.ID == 0 {
		return nil, hresult.Errorf(hresult.HCS_E_PROTOCOL_ERROR, "%q message without a request ID", m.Type)
	}
	return func() { s.handle(m, fds) }, nil
}

// writeLoop writes queued messages in order until the session ends.
func (s *session) writeLoop() {
	defer close(s.written)
	for {
		o, ok := s.out.Get(s.ctx.Done())
		if !ok {
			return
		}
		if o.m == nil { // a flush marker: everything before it has been written
			o.sent <- nil
			continue
		}
		err := s.conn.WriteMessage(o.m, nil)
		if o.sent != nil {
			o.sent <- err
		}
		if err != nil {
			s.close()
			return
		}
	}
}

// close ends the session; it is safe to call more than once and from any goroutine.
func (s *session) close() {
	s.closeOnce.Do(func() {
		s.cancel()
		s.out.Close()
		s.conn.Close()
		if s.relay != nil {
			s.relay.Close()
		}
	})
}

// notify queues a ProcessExited notification. It never blocks.
func (s *session) notify(ev protocol.ProcessExited) {
	m, err := protocol.NewMessage(protocol.TypeProcessExited, 0, ev)
	if err == nil {
		s.out.Put(outMsg{m: m})
	}
}

// handle runs one request and queues its response. The request keeps its in-flight slot
// until the response is written, so a host that stops reading cannot make the agent queue
// responses without bound: the reader stops once every slot is taken.
func (s *session) handle(m *protocol.Message, fds []int) {
	res, err := s.a.dispatchSafe(s.ctx, m, fds)
	sent := make(chan error, 1)
	if !s.out.Put(outMsg{m: response(m.ID, res, err), sent: sent}) {
		sent <- net.ErrClosed
	}
	if m.Type != protocol.TypeShutdown || err != nil {
		s.waitSent(sent, nil)
		return
	}
	s.waitSent(sent, time.After(flushTimeout))
	s.a.finish()
}

// flush waits, up to timeout, until everything queued so far has been written.
func (s *session) flush(timeout time.Duration) {
	sent := make(chan error, 1)
	if s.out.Put(outMsg{sent: sent}) {
		s.waitSent(sent, time.After(timeout))
	}
}

// waitSent waits until a queued message has been written, the session has ended or
// timeout fires (never when nil).
func (s *session) waitSent(sent <-chan error, timeout <-chan time.Time) {
	select {
	case <-sent:
	case <-s.ctx.Done():
	case <-timeout:
	}
}

// response builds the Response for a request; a result too large for one frame becomes an
// error.
func response(id uint64, res any, err error) *protocol.Message {
	if err == nil {
		m, merr := protocol.NewMessage(protocol.TypeResponse, id, res)
		if merr == nil && len(m.Body) < protocol.MaxMessageSize-1024 {
			return m
		}
		if merr == nil {
			merr = fmt.Errorf("result of %d bytes exceeds the message size limit", len(m.Body))
		}
		err = hresult.Wrap(merr, hresult.E_FAIL, "encode response")
	}
	return &protocol.Message{Type: protocol.TypeResponse, ID: id, Error: protocol.ErrorFrom(err)}
}
