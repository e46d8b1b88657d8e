package agentsession

import (
	"context"
	"testing"

	"github.com/linuxhcs/hcs/agent/protocol"
	"github.com/linuxhcs/hcs/internal/testutil"
	"golang.org/x/sys/unix"
)

// fakeAgent plays the agent's side of a real socket pair: the test scripts what it sends
// when a spawn request arrives, and it records every acknowledged exit.
type fakeAgent struct {
	t    *testing.T
	conn *protocol.Conn
	// spawns receives the ID of each spawn request; the test answers it.
	spawns chan uint64
	// acks receives each AckExit request.
	acks chan protocol.AckExitRequest
}

// newFakeAgent connects a Session to a fake agent and returns both.
func newFakeAgent(t *testing.T, opts Options) (*Session, *fakeAgent) {
	t.Helper()
	hostSide, agentSide := testutil.SocketPair(t)
	conn, err := protocol.NewConn(agentSide)
	if err != nil {
		t.Fatal(err)
	}
	a := &fakeAgent{t: t, conn: conn, spawns: make(chan uint64, 16), acks: make(chan protocol.AckExitRequest, 16)}
	greeted := make(chan error, 1)
	go func() { greeted <- a.greet() }()
	s, err := Connect(context.Background(), func(ctx context.Context, o protocol.ClientOptions) (*protocol.Client, error) {
		return protocol.NewClient(ctx, hostSide, o)
	}, opts)
	if err != nil {
		t.Fatal(err)
	}
	if err := <-greeted; err != nil {
		t.Fatal(err)
	}
	served := make(chan struct{})
	go func() { defer close(served); a.serve() }()
	t.Cleanup(func() {
		s.Close()
		conn.Close()
		<-served
	})
	return s, a
}

// greet answers the host's Hello.
func (a *fakeAgent) greet() error {
	hello, _ := protocol.NewMessage(protocol.TypeHello, 0, protocol.Hello{ProtocolVersion: protocol.Version, AgentVersion: "fake"})
	if err := a.conn.WriteMessage(hello, nil); err != nil {
		return err
	}
	_, fds, err := a.conn.ReadMessage()
	closeAll(fds)
	return err
}

// serve handles requests until the connection ends: spawns go to the test, acks are
// recorded and answered.
func (a *fakeAgent) serve() {
	for {
		m, fds, err := a.conn.ReadMessage()
		if err != nil {
			return
		}
		closeAll(fds)
		switch m.Type {
		case protocol.TypeSpawn:
			a.spawns <- m.ID
		case protocol.TypeAckExit:
			var req protocol.AckExitRequest
			m.DecodeBody(&req)
			a.acks <- req
			a.respond(m.ID, nil)
		default:
			a.respond(m.ID, nil)
		}
	}
}

func (a *fakeAgent) respond(id uint64, body any) {
	m, err := protocol.NewMessage(protocol.TypeResponse, id, body)
	if err == nil {
		err = a.conn.WriteMessage(m, nil)
	}
	if err != nil {
		a.t.Logf("fake agent: respond: %v (the test may have closed the connection)", err)
	}
}

// spawned answers the spawn request id with pid.
func (a *fakeAgent) spawned(id uint64, pid int) {
	a.respond(id, protocol.SpawnResult{Pid: pid})
}

// exit reports pid's exit.
func (a *fakeAgent) exit(pid, code int, seq uint64) {
	m, _ := protocol.NewMessage(protocol.TypeProcessExited, 0, protocol.ProcessExited{Pid: pid, ExitCode: code, Seq: seq})
	if err := a.conn.WriteMessage(m, nil); err != nil {
		a.t.Errorf("fake agent: exit: %v", err)
	}
}

// nextSpawn returns the ID of the next spawn request.
func (a *fakeAgent) nextSpawn() uint64 {
	a.t.Helper()
	return receive(a.t, a.spawns, "no spawn request arrived")
}

// nextAck returns the next acknowledged exit.
func (a *fakeAgent) nextAck() protocol.AckExitRequest {
	a.t.Helper()
	return receive(a.t, a.acks, "no exit was acknowledged")
}

// receive returns the next value from c, failing the test with why when none comes in time.
func receive[T any](t *testing.T, c <-chan T, why string) T {
	t.Helper()
	select {
	case v := <-c:
		return v
	case <-timeout():
		t.Fatal(why)
		var zero T
		return zero
	}
}

func closeAll(fds []int) {
	for _, fd := range fds {
		unix.Close(fd)
	}
}
