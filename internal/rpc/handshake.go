package rpc

import (
	"context"
	"errors"
	"time"

	"github.com/linuxhcs/hcs/hresult"
	"github.com/linuxhcs/hcs/wire"
)

// clientHandshake sends the client's Hello and reads the service's answer within ctx: its
// Hello, or a refusal (a Response with ID 0 and an error), which is returned as it came.
func clientHandshake(ctx context.Context, c *conn, version string) (wire.Hello, error) {
	stop := context.AfterFunc(ctx, func() { c.fc.SetReadDeadline(time.Unix(1, 0)) })
	h, err := exchangeHello(c, version)
	if !stop() || (err != nil && ctx.Err() != nil) {
		code := hresult.HRESULT(0) // keep the code of a cancellation
		if errors.Is(ctx.Err(), context.DeadlineExceeded) {
			code = hresult.HCS_E_CONNECTION_TIMEOUT
		}
		return wire.Hello{}, hresult.Wrap(ctx.Err(), code, "handshake with the compute service")
	}
	return h, err
}

func exchangeHello(c *conn, version string) (wire.Hello, error) {
	hello := &wire.Message{Type: wire.TypeHello, Hello: &wire.Hello{ProtocolVersion: wire.ProtocolVersion, ClientVersion: version}}
	// A service that refuses the connection may have answered and hung up before the Hello
	// went out: its answer is read even when sending failed.
	werr := c.write(hello, nil)
	m, files, err := c.read()
	closeFiles(files)
	switch {
	case err != nil && werr != nil:
		return wire.Hello{}, hresult.Wrap(werr, hresult.HCS_E_CONNECT_FAILED, "sending Hello to the compute service")
	case err != nil:
		return wire.Hello{}, hresult.Wrap(err, hresult.HCS_E_CONNECT_FAILED, "reading the compute service's Hello")
	}
	switch {
	case m.Type == wire.TypeResponse && m.ID == 0:
		return wire.Hello{}, decodeError(m.Error)
	case werr != nil:
		return wire.Hello{}, hresult.Wrap(werr, hresult.HCS_E_CONNECT_FAILED, "sending Hello to the compute service")
	case m.Type != wire.TypeHello:
		return wire.Hello{}, hresult.Errorf(hresult.HCS_E_PROTOCOL_ERROR, "the compute service sent %s before Hello", m.Type)
	case m.Hello.ProtocolVersion != wire.ProtocolVersion:
		return wire.Hello{}, hresult.Errorf(hresult.HCS_E_UNSUPPORTED_PROTOCOL_VERSION,
			"hcsd %s speaks protocol version %d, this client (%s) speaks protocol version %d",
			m.Hello.ServerVersion, m.Hello.ProtocolVersion, version, wire.ProtocolVersion)
	}
	return *m.Hello, nil
}

// serverHandshake sends the service's Hello and reads and checks the client's, within
// timeout.
func serverHandshake(c *conn, version string, timeout time.Duration) (wire.Hello, error) {
	deadline := time.Now().Add(timeout)
	c.fc.SetReadDeadline(deadline)
	defer c.fc.SetReadDeadline(time.Time{})
	hello := &wire.Message{Type: wire.TypeHello, Hello: &wire.Hello{ProtocolVersion: wire.ProtocolVersion, ServerVersion: version}}
	if err := c.write(hello, nil); err != nil {
		return wire.Hello{}, err
	}
	m, files, err := c.read()
	closeFiles(files)
	if err != nil {
		return wire.Hello{}, err
	}
	if m.Type != wire.TypeHello {
		return wire.Hello{}, hresult.Errorf(hresult.HCS_E_PROTOCOL_ERROR, "the client sent %s before Hello", m.Type)
	}
	if m.Hello.ProtocolVersion != wire.ProtocolVersion {
		return wire.Hello{}, hresult.Errorf(hresult.HCS_E_UNSUPPORTED_PROTOCOL_VERSION,
			"the client (%s) speaks protocol version %d, hcsd %s speaks protocol version %d",
			m.Hello.ClientVersion, m.Hello.ProtocolVersion, version, wire.ProtocolVersion)
	}
	return *m.Hello, nil
}
