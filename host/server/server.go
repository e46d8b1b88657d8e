package server

import (
	"context"
	"errors"
	"log/slog"
	"net"
	"sync"
	"time"

	"github.com/linuxhcs/hcs/host"
	"github.com/linuxhcs/hcs/hresult"
	"github.com/linuxhcs/hcs/internal/rpc"
)

// Options configures a Server.
type Options struct {
	// AllowedGIDs are the groups whose members may use the service besides root, by primary
	// or supplementary gid. Empty means root only.
	AllowedGIDs []uint32
	// GroupName names the allowed group in refusals; empty means "hcs".
	GroupName string
	// Version is the service's software version, sent to clients; empty means the
	// binary's build version.
	Version string
	// MaxConnections bounds the connections served at once; zero means 1024.
	MaxConnections int
	// WriteTimeout bounds the wait for a client to take one message; zero means a minute.
	WriteTimeout time.Duration
	// Logger receives the server's log; nil means slog.Default().
	Logger *slog.Logger
}

// Server serves a host on unix sockets. Create it with New.
type Server struct {
	h    *host.Host
	opts Options
	log  *slog.Logger

	base       context.Context // handlers run under it; cancelled when Shutdown gives up
	cancelBase context.CancelFunc
	conns      context.Context // connections end when it is cancelled
	closeConns context.CancelFunc
	slots      chan struct{}
	wg         sync.WaitGroup

	mu        sync.Mutex
	listeners map[*net.UnixListener]struct{}
	stopping  bool
}

// New returns a server for h.
func New(h *host.Host, opts Options) *Server {
	if opts.GroupName == "" {
		opts.GroupName = "hcs"
	}
	if opts.Version == "" {
		opts.Version = rpc.SoftwareVersion()
	}
	if opts.MaxConnections <= 0 {
		opts.MaxConnections = 1024
	}
	s := &Server{h: h, opts: opts, log: opts.Logger, slots: make(chan struct{}, opts.MaxConnections),
		listeners: map[*net.UnixListener]struct{}{}}
	if s.log == nil {
		s.log = slog.Default()
	}
	s.base, s.cancelBase = context.WithCancel(context.Background())
	s.conns, s.closeConns = context.WithCancel(context.Background())
	return s
}

// ErrServerClosed is returned by Serve after Shutdown.
var ErrServerClosed = errors.New("hcsd server closed")

// Serve accepts connections on ln until Shutdown, serving each on its own goroutine. It
// returns ErrServerClosed after Shutdown, or the error that stopped accepting.
func (s *Server) Serve(ln *net.UnixListener) error {
	if !s.track(ln) {
		ln.Close()
		return ErrServerClosed
	}
	defer s.untrack(ln)
	for {
		c, err := ln.AcceptUnix()
		if err != nil {
			if s.isStopping() {
				return ErrServerClosed
			}
			if isTemporary(err) {
				time.Sleep(50 * time.Millisecond) // out of descriptors, for example
				continue
			}
			return err
		}
		if !s.start(c) {
			c.Close()
			return ErrServerClosed
		}
	}
}

// start serves c on a new goroutine unless the server is stopping.
func (s *Server) start(c *net.UnixConn) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.stopping {
		return false
	}
	s.wg.Go(func() { s.serveConn(c) })
	return true
}

func (s *Server) track(ln *net.UnixListener) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.stopping {
		return false
	}
	s.listeners[ln] = struct{}{}
	return true
}

func (s *Server) untrack(ln *net.UnixListener) {
	s.mu.Lock()
	delete(s.listeners, ln)
	s.mu.Unlock()
}

func (s *Server) isStopping() bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.stopping
}

// serveConn checks the peer, then serves its session until the connection ends.
func (s *Server) serveConn(c *net.UnixConn) {
	peer, err := peerOf(c)
	if err == nil {
		err = authorize(peer, s.opts.AllowedGIDs, s.opts.GroupName)
	}
	if err != nil {
		s.log.Warn("hcsd connection refused", "peer", peer, "err", err)
		rpc.Reject(c, err)
		return
	}
	select {
	case s.slots <- struct{}{}:
		defer func() { <-s.slots }()
	default:
		rpc.Reject(c, hresult.Errorf(hresult.HCS_E_SERVICE_NOT_AVAILABLE, "hcsd serves %d connections already", s.opts.MaxConnections))
		return
	}
	s.log.Debug("hcsd connection", "peer", peer)
	sess := s.h.Connect()
	err = rpc.Serve(s.conns, c, rpc.ServeOptions{
		Version:      s.opts.Version,
		Handler:      (&session{svc: sess, peer: peer, log: s.log}).handle,
		Events:       sess.Events(),
		BaseContext:  s.base,
		WriteTimeout: s.opts.WriteTimeout,
		Logger:       s.log,
	})
	if err != nil {
		s.log.Warn("hcsd connection ended", "peer", peer, "err", err)
	}
	// A client that went away released its handles. When the service itself stops, the
	// host decides what becomes of sessions (host.Close).
	if !s.isStopping() {
		sess.Close()
	}
}

// Shutdown stops accepting, closes every connection (their clients see
// HcsEventServiceDisconnect) and waits for the requests in flight to finish, until ctx ends;
// then their contexts are cancelled and it returns ctx's error. Sessions are left to
// host.Close. Systems keep running.
func (s *Server) Shutdown(ctx context.Context) error {
	s.mu.Lock()
	s.stopping = true
	for ln := range s.listeners {
		ln.Close()
	}
	s.mu.Unlock()
	s.closeConns()
	done := make(chan struct{})
	go func() { s.wg.Wait(); close(done) }()
	select {
	case <-done:
		s.cancelBase()
		return nil
	case <-ctx.Done():
		s.cancelBase()
		return ctx.Err()
	}
}

func isTemporary(err error) bool {
	var t interface{ Temporary() bool }
	return errors.As(err, &t) && t.Temporary()
}
