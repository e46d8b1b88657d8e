package rpc

import (
	"context"
	"time"

	"github.com/linuxhcs/hcs/hresult"
	"github.com/linuxhcs/hcs/internal/mux"
	"github.com/linuxhcs/hcs/wire"
)

// serviceName names hcsd in the client's handshake errors.
const serviceName = "the compute service"

// clientHandshake sends the client's Hello and reads the service's answer within ctx: its
// Hello, or a refusal (a Response with ID 0 and an error), which is returned as it came.
func clientHandshake(ctx context.Context, c *conn, version string) (wire.Hello, error) {
	hello := &wire.Message{Type: wire.TypeHello, Hello: &wire.Hello{ProtocolVersion: wire.ProtocolVersion, ClientVersion: version}}
	m, err := mux.Greet(ctx, c.mc, mux.Hello[*wire.Message]{Mine: hello, Peer: serviceName,
		Check: func(m *wire.Message) error { return checkServiceHello(m, version) }})
	if err != nil {
		return wire.Hello{}, err
	}
	return *m.Hello, nil
}

// checkServiceHello accepts the service's first message.
func checkServiceHello(m *wire.Message, version string) error {
	switch {
	case m.Type == wire.TypeResponse && m.ID == 0:
		return decodeError(m.Error)
	case m.Type != wire.TypeHello:
		return hresult.Errorf(hresult.HCS_E_PROTOCOL_ERROR, "the compute service sent %s before Hello", m.Type)
	case m.Hello.ProtocolVersion != wire.ProtocolVersion:
		return mux.VersionMismatch("hcsd "+m.Hello.ServerVersion, m.Hello.ProtocolVersion,
			"this client ("+version+")", wire.ProtocolVersion)
	}
	return nil
}

// serverHandshake sends the service's Hello and reads and checks the client's, within
// timeout.
func serverHandshake(c *conn, version string, timeout time.Duration) (wire.Hello, error) {
	hello := &wire.Message{Type: wire.TypeHello, Hello: &wire.Hello{ProtocolVersion: wire.ProtocolVersion, ServerVersion: version}}
	m, err := mux.Answer(c.mc, mux.Hello[*wire.Message]{Mine: hello, Peer: "the client",
		Check: func(m *wire.Message) error { return checkClientHello(m, version) }}, timeout)
	if err != nil {
		return wire.Hello{}, err
	}
	return *m.Hello, nil
}

// checkClientHello accepts the client's first message.
func checkClientHello(m *wire.Message, version string) error {
	if m.Type != wire.TypeHello {
		return hresult.Errorf(hresult.HCS_E_PROTOCOL_ERROR, "the client sent %s before Hello", m.Type)
	}
	if m.Hello.ProtocolVersion != wire.ProtocolVersion {
		return mux.VersionMismatch("the client ("+m.Hello.ClientVersion+")", m.Hello.ProtocolVersion,
			"hcsd "+version, wire.ProtocolVersion)
	}
	return nil
}
