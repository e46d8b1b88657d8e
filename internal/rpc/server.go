package rpc

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"net"
	"os"
	"sync"
	"time"

	"github.com/linuxhcs/hcs/hresult"
	"github.com/linuxhcs/hcs/internal/fdconn"
	"github.com/linuxhcs/hcs/internal/mux"
	"github.com/linuxhcs/hcs/wire"
)

// Handler serves one request. in are the descriptors that came with the request (Args.File
// says whether one must; Serve closes them after the handler returns). It returns the result
// and the files to send with it, which Serve closes once they are sent (or could not be); on
// error it returns no files.
type Handler func(ctx context.Context, method wire.Method, args *wire.Args, in []*os.File) (*wire.Result, []*os.File, error)

// ServeOptions configures Serve.
type ServeOptions struct {
	// Version is the service's software version, sent in its Hello.
	Version string
	// Handler serves the requests; it is called concurrently.
	Handler Handler
	// Events, when set, is streamed to the client until it is closed.
	Events <-chan wire.Event
	// BaseContext is the context handlers run under. It is not cancelled when the
	// connection ends: a request that started completes (or rolls back) in the service.
	// Nil means context.Background().
	BaseContext context.Context
	// MaxInFlight bounds the requests served at once; zero means wire.MaxInFlight.
	MaxInFlight int
	// HandshakeTimeout bounds the wait for the client's Hello; zero means 10 seconds.
	HandshakeTimeout time.Duration
	// WriteTimeout bounds the wait for a client to take one message; a client that does
	// not read for that long is disconnected. Zero means one minute.
	WriteTimeout time.Duration
	// Logger receives connection failures; nil means slog.Default().
	Logger *slog.Logger
}

// serverConn is one connection being served.
type serverConn struct {
	c      *conn
	opts   ServeOptions
	slots  chan struct{}
	wg     sync.WaitGroup
	closed chan struct{}
	once   sync.Once
}

// Serve runs the service side of one connection: the handshake, then requests and events
// until the connection ends or ctx is done. It closes uc and returns once every handler it
// started has returned. The error says why the connection ended; a client that simply hung up
// gives nil.
func Serve(ctx context.Context, uc *net.UnixConn, opts ServeOptions) error {
	fc, err := fdconn.New(uc, limits)
	if err != nil {
		uc.Close()
		return err
	}
	fillServeDefaults(&opts)
	fc.SetWriteTimeout(opts.WriteTimeout)
	s := &serverConn{c: newConn(fc), opts: opts, slots: make(chan struct{}, opts.MaxInFlight), closed: make(chan struct{})}
	if _, err := serverHandshake(s.c, opts.Version, opts.HandshakeTimeout); err != nil {
		s.refuse(err)
		return err
	}
	stop := context.AfterFunc(ctx, s.close)
	defer stop()
	if opts.Events != nil {
		s.wg.Go(s.forwardEvents)
	}
	err = s.readLoop()
	if isHangUp(err) || s.isClosed() {
		err = nil
	} else {
		s.refuse(err) // the client broke the protocol
	}
	s.close()
	s.wg.Wait()
	return err
}

// isHangUp reports whether err only says that the client went away.
func isHangUp(err error) bool {
	return err == nil || fdconn.IsClosed(err) || errors.Is(err, io.EOF)
}

func (s *serverConn) isClosed() bool {
	select {
	case <-s.closed:
		return true
	default:
		return false
	}
}

func fillServeDefaults(o *ServeOptions) {
	o.MaxInFlight = positive(o.MaxInFlight, wire.MaxInFlight)
	if o.HandshakeTimeout <= 0 {
		o.HandshakeTimeout = 10 * time.Second
	}
	if o.WriteTimeout <= 0 {
		o.WriteTimeout = time.Minute
	}
	if o.BaseContext == nil {
		o.BaseContext = context.Background()
	}
	if o.Logger == nil {
		o.Logger = slog.Default()
	}
}

func (s *serverConn) close() {
	s.once.Do(func() {
		close(s.closed)
		s.c.fc.Close()
	})
}

// readLoop starts a handler for each request until the connection ends. While every slot is
// busy it stops reading, which holds the client back.
func (s *serverConn) readLoop() error {
	return mux.Dispatch(s.c.mc, mux.Dispatcher[*wire.Message]{Slots: s.slots, Stop: s.closed, Handlers: &s.wg,
		Route: func(m *wire.Message, fds []int) (func(), error) {
			if m.Type != wire.TypeRequest {
				return nil, hresult.Errorf(hresult.HCS_E_PROTOCOL_ERROR, "the client sent an unexpected %s message", m.Type)
			}
			if want := requestFiles(m); len(fds) != want {
				return nil, hresult.Errorf(hresult.HCS_E_PROTOCOL_ERROR, "a %s request came with %d descriptors, expected %d", m.Method, len(fds), want)
			}
			return func() { s.serve(m, toFiles(fds)) }, nil
		}})
}

// serve runs one request and sends its response.
func (s *serverConn) serve(m *wire.Message, in []*os.File) {
	defer closeFiles(in)
	args := m.Args
	if args == nil {
		args = &wire.Args{}
	}
	res, files, err := s.opts.Handler(s.opts.BaseContext, m.Method, args, in)
	defer closeFiles(files)
	resp := &wire.Message{Type: wire.TypeResponse, ID: m.ID, Result: res}
	if err != nil {
		resp = errorResponse(m.ID, err)
		files = nil
	}
	err = s.c.write(resp, files)
	if errors.Is(err, fdconn.ErrFrameTooLarge) {
		err = s.c.write(errorResponse(m.ID, hresult.Wrap(err, hresult.E_FAIL, string(m.Method)+" response")), nil)
	}
	if err != nil {
		s.close()
	}
}

// errorResponse is the Response to request id failing with err: the one place where errors
// become ResultError documents.
func errorResponse(id uint64, err error) *wire.Message {
	return &wire.Message{Type: wire.TypeResponse, ID: id, Error: hresult.ToResultError(err)}
}

// forwardEvents streams events to the client until the stream or the connection ends.
func (s *serverConn) forwardEvents() {
	for {
		select {
		case ev, ok := <-s.opts.Events:
			if !ok {
				return
			}
			if err := s.c.write(&wire.Message{Type: wire.TypeEvent, Event: &ev}, nil); err != nil {
				s.close()
				return
			}
		case <-s.closed:
			return
		}
	}
}

// refuse tells the client why the connection ends, as far as it still listens, and closes it.
func (s *serverConn) refuse(err error) {
	s.opts.Logger.Debug("hcsd connection refused", "err", err)
	s.c.fc.SetWriteTimeout(time.Second)
	_ = s.c.write(errorResponse(0, err), nil)
	s.close()
}

// Reject answers a connection that will not be served with err (a Response with ID 0) and
// closes it. Nothing else is sent: no Hello, no version.
func Reject(uc *net.UnixConn, err error) {
	fc, ferr := fdconn.New(uc, limits)
	if ferr != nil {
		uc.Close()
		return
	}
	fc.SetWriteTimeout(time.Second)
	c := newConn(fc)
	_ = c.write(errorResponse(0, err), nil)
	fc.Close()
}

// requestFiles is how many descriptors a request carries: one when Args.File says so.
func requestFiles(m *wire.Message) int {
	if m.Args != nil && m.Args.File {
		return 1
	}
	return 0
}
