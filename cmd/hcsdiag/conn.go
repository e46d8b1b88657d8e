package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"time"

	"github.com/linuxhcs/hcs/client"
	"github.com/linuxhcs/hcs/hresult"
)

// dialTimeout bounds the connection to a running hcsd, handshake included.
const dialTimeout = 5 * time.Second

// privateNote is said once on stderr when hcsdiag runs a private hcsd for the command.
const privateNote = "hcsdiag: hcsd is not running; using a private service for this command"

// service is hcsdiag's connection: to the hcsd at the socket, or to a private hcsd started
// for this one command.
type service struct {
	c       *client.Client
	private *privateService // nil when a running hcsd answered
}

// connect dials hcsd at client.SocketPath(). When nothing listens there, root gets a private
// hcsd for the command (and the note on stderr); anyone else gets
// HCS_E_SERVICE_NOT_AVAILABLE saying what to do.
func connect(ctx context.Context, stderr io.Writer) (*service, error) {
	socket := client.SocketPath()
	c, err := dial(ctx, socket)
	if err == nil {
		return &service{c: c}, nil
	}
	if !hresult.Is(err, hresult.HCS_E_SERVICE_NOT_AVAILABLE) {
		return nil, err
	}
	if os.Geteuid() != 0 {
		return nil, hresult.Errorf(hresult.HCS_E_SERVICE_NOT_AVAILABLE,
			"no compute service answers at %s: start hcsd (sudo hcsd), or run hcsdiag as root to use a private service for one command", socket)
	}
	p, err := startPrivate(ctx, stderr)
	if err != nil {
		return nil, err
	}
	fmt.Fprintln(stderr, privateNote)
	return &service{c: p.client, private: p}, nil
}

// dial connects to the hcsd at socket once.
func dial(ctx context.Context, socket string) (*client.Client, error) {
	ctx, cancel := context.WithTimeout(ctx, dialTimeout)
	defer cancel()
	return client.Dial(ctx, socket)
}

// close ends the session; a private hcsd is then stopped (its systems keep running).
func (s *service) close() error {
	err := s.c.Close()
	if s.private != nil {
		if perr := s.private.stop(); perr != nil {
			return perr
		}
	}
	if err != nil && !hresult.Is(err, hresult.ERROR_INVALID_HANDLE) {
		return err
	}
	return nil
}

// isPrivate reports whether the command runs on a private hcsd.
func (s *service) isPrivate() bool { return s.private != nil }
