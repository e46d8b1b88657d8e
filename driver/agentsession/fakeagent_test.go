package agentsession

import (
	"context"
	"net"
	"os"
	"testing"

	"github.com/linuxhcs/hcs/agent/protocol"
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
	hostSide, agentSide := socketPair(t)
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

// socketPair returns the two connected ends of a unix stream socket pair.
func socketPair(t *testing.T) (*net.UnixConn, *net.UnixConn) {
	t.Helper()
	fds, err := unix.Socketpair(unix.AF_UNIX, unix.SOCK_STREAM|unix.SOCK_CLOEXEC, 0)
	if err != nil {
		t.Fatal(err)
	}
	var conns [2]*net.UnixConn
	for i, fd := range fds {
		f := os.NewFile(uintptr(fd), "socketpair")
		c, err := net.FileConn(f)
		f.Close()
		if err != nil {
			t.Fatal(err)
		}
		conns[i] = c.(*net.UnixConn)
	}
	return conns[0], conns[1]
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
	select {
	case id := <-a.spawns:
		return id
	case <-timeout():
		a.t.Fatal("no spawn request arrived")
		return 0
	}
}

// nextAck returns the next acknowledged exit.
func (a *fakeAgent) nextAck() protocol.AckExitRequest {
	a.t.Helper()
	select {
	case req := <-a.acks:
		return req
	case <-timeout():
		a.t.Fatal("no exit was acknowledged")
		return protocol.AckExitRequest{}
	}
}

func closeAll(fds []int) {
	for _, fd := range fds {
		unix.Close(fd)
	}
}
