package protocol

import (
	"context"
	"fmt"
	"time"

	"github.com/linuxhcs/hcs/hresult"
	"github.com/linuxhcs/hcs/internal/mux"
)

// greet is the host's side of the handshake: it sends the host's Hello and reads and checks
// the agent's, within ctx.
func (c *Conn) greet(ctx context.Context, hostVersion string) (Hello, error) {
	mine, err := NewMessage(TypeHello, 0, Hello{ProtocolVersion: Version, HostVersion: hostVersion})
	if err != nil {
		return Hello{}, err
	}
	var h Hello
	_, err = mux.Greet(ctx, c.mc, mux.Hello[*Message]{Mine: mine, Peer: "the agent",
		Check: func(m *Message) error {
			return checkHello(m, &h, func(h Hello) string { return fmt.Sprintf("agent %q", h.AgentVersion) }, "the host")
		}})
	return h, err
}

// AnswerHello is the agent's side of the handshake, within timeout: it sends the agent's
// Hello at once and reads and checks the host's. A host that sent something else or speaks
// another version is told why before the error is returned; the caller closes the Conn.
func (c *Conn) AnswerHello(agentVersion string, timeout time.Duration) (Hello, error) {
	mine, err := NewMessage(TypeHello, 0, Hello{ProtocolVersion: Version, AgentVersion: agentVersion})
	if err != nil {
		return Hello{}, err
	}
	var h Hello
	var refused error // what the host sent was not acceptable (as opposed to unreadable)
	check := func(m *Message) error {
		refused = checkHello(m, &h, func(h Hello) string { return fmt.Sprintf("host %q", h.HostVersion) },
			fmt.Sprintf("agent %q", agentVersion))
		return refused
	}
	_, err = mux.Answer(c.mc, mux.Hello[*Message]{Mine: mine, Peer: "the host", Check: check}, timeout)
	if refused != nil {
		c.SendFatal(refused)
	}
	return h, err
}

// checkHello accepts the peer's first message into h: a Hello at this Version. A refusal
// (a Response with an Error) is returned as the peer sent it. A version mismatch names the
// peer as peer(h) and this side as me.
func checkHello(m *Message, h *Hello, peer func(Hello) string, me string) error {
	if m.Type == TypeResponse && m.Error != nil {
		return m.Error.Err()
	}
	if m.Type != TypeHello {
		return hresult.Errorf(hresult.HCS_E_PROTOCOL_ERROR, "expected Hello, got %q", m.Type)
	}
	if err := m.DecodeBody(h); err != nil {
		return err
	}
	if h.ProtocolVersion != Version {
		return mux.VersionMismatch(peer(*h), h.ProtocolVersion, me, Version)
	}
	return nil
}

// SendFatal tells the peer, best effort and within a second, why the connection is about to
// be closed: a Response without an ID carrying err.
func (c *Conn) SendFatal(err error) {
	c.SetWriteDeadline(time.Now().Add(time.Second))
	c.WriteMessage(&Message{Type: TypeResponse, Error: ErrorFrom(err)}, nil)
}
