package protocol

import (
	"context"
	"errors"
	"net"
	"strings"
	"testing"
	"time"

	"github.com/linuxhcs/hcs/hresult"
	"github.com/linuxhcs/hcs/internal/testutil"
)

// fakeAgent returns a client-side socket and the agent-side Conn of a socket pair.
func fakeAgent(t *testing.T) (*net.UnixConn, *Conn) {
	t.Helper()
	conns := make([]*net.UnixConn, 2)
	conns[0], conns[1] = testutil.SocketPair(t)
	agent, err := NewConn(conns[1])
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { conns[0].Close(); agent.Close() })
	return conns[0], agent
}

// greet plays the agent's side of the handshake with the given version.
func greet(agent *Conn, version int) error {
	hello, _ := NewMessage(TypeHello, 0, Hello{ProtocolVersion: version, AgentVersion: "fake"})
	agent.WriteMessage(hello, nil)
	m, _, err := agent.ReadMessage()
	if err == nil && m.Type != TypeHello {
		err = errors.New("host sent " + string(m.Type) + " before Hello")
	}
	return err
}

// connect runs the handshake against a fake agent and returns the client.
func connect(t *testing.T, opts ClientOptions) (*Client, *Conn) {
	t.Helper()
	host, agent := fakeAgent(t)
	greeted := make(chan error, 1)
	go func() { greeted <- greet(agent, Version) }()
	c, err := NewClient(context.Background(), host, opts)
	if err != nil {
		t.Fatal(err)
	}
	if err := <-greeted; err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	return c, agent
}

func TestClientVersionMismatch(t *testing.T) {
	host, agent := fakeAgent(t)
	go greet(agent, Version+1)
	_, err := NewClient(context.Background(), host, ClientOptions{})
	if !errors.Is(err, hresult.HCS_E_UNSUPPORTED_PROTOCOL_VERSION) ||
		!strings.Contains(err.Error(), "version 2") || !strings.Contains(err.Error(), "version 1") {
		t.Fatalf("err = %v, want HCS_E_UNSUPPORTED_PROTOCOL_VERSION naming both versions", err)
	}
}

func TestClientHandshakeTimeout(t *testing.T) {
	host, _ := fakeAgent(t)
	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	_, err := NewClient(ctx, host, ClientOptions{})
	if !errors.Is(err, context.DeadlineExceeded) || hresult.FromError(err) != hresult.HCS_E_CONNECTION_TIMEOUT {
		t.Fatalf("err = %v, want HCS_E_CONNECTION_TIMEOUT wrapping the deadline", err)
	}
}

func TestClientOutOfOrderResponsesAndNotifications(t *testing.T) {
	exits := make(chan ProcessExited, 2)
	c, agent := connect(t, ClientOptions{OnExit: func(ev ProcessExited) { exits <- ev }})
	go func() {
		m1, _, _ := agent.ReadMessage()
		m2, _, _ := agent.ReadMessage()
		ev, _ := NewMessage(TypeProcessExited, 0, ProcessExited{Pid: 7, ExitCode: 1, Seq: 1})
		agent.WriteMessage(ev, nil)
		agent.WriteMessage(&Message{Type: "FutureNotification"}, nil)
		for _, m := range []*Message{m2, m1} {
			r, _ := NewMessage(TypeResponse, m.ID, SpawnResult{Pid: int(m.ID) * 10})
			agent.WriteMessage(r, nil)
		}
	}()
	errs := make(chan error, 2)
	for range 2 {
		go func() { errs <- c.Ping(context.Background()) }()
	}
	for range 2 {
		if err := <-errs; err != nil {
			t.Fatal(err)
		}
	}
	if ev := <-exits; ev.Pid != 7 || ev.ExitCode != 1 {
		t.Fatalf("exit = %+v", ev)
	}
}

func TestClientErrorsCarryHRESULT(t *testing.T) {
	c, agent := connect(t, ClientOptions{})
	go func() {
		m, _, _ := agent.ReadMessage()
		agent.WriteMessage(&Message{Type: TypeResponse, ID: m.ID,
			Error: &Error{Code: hresult.HCS_E_PROCESS_ALREADY_STOPPED.Int32(), Message: "process 5 has exited"}}, nil)
	}()
	err := c.Signal(context.Background(), 5, 9)
	if !errors.Is(err, hresult.HCS_E_PROCESS_ALREADY_STOPPED) || !strings.Contains(err.Error(), "process 5") {
		t.Fatalf("err = %v", err)
	}
	if hresult.FromError(err) != hresult.HCS_E_PROCESS_ALREADY_STOPPED {
		t.Fatalf("FromError = %v", hresult.FromError(err))
	}
}

func TestClientCancelAndClose(t *testing.T) {
	c, agent := connect(t, ClientOptions{})
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if err := c.Ping(ctx); !errors.Is(err, context.Canceled) {
		t.Fatalf("cancelled Ping: %v", err)
	}
	agent.ReadMessage() // the cancelled request
	done := make(chan error, 1)
	go func() { done <- c.Ping(context.Background()) }()
	agent.ReadMessage()
	agent.Close() // the agent goes away with the request pending
	if err := <-done; !errors.Is(err, hresult.HCS_E_CONNECTION_CLOSED) {
		t.Fatalf("pending Ping after the agent closed: %v", err)
	}
	<-c.Done()
	if err := c.Ping(context.Background()); !errors.Is(err, hresult.HCS_E_CONNECTION_CLOSED) {
		t.Fatalf("Ping on a closed client: %v", err)
	}
}

func TestClientFatalAgentError(t *testing.T) {
	c, agent := connect(t, ClientOptions{})
	agent.WriteMessage(&Message{Type: TypeResponse, Error: ErrorFrom(
		hresult.New(hresult.HCS_E_PROTOCOL_ERROR, "bad frame"))}, nil)
	<-c.Done()
	if err := c.Err(); !errors.Is(err, hresult.HCS_E_PROTOCOL_ERROR) {
		t.Fatalf("Err = %v", err)
	}
}

func TestClientSpawnChecksFiles(t *testing.T) {
	c, _ := connect(t, ClientOptions{})
	_, err := c.Spawn(context.Background(), SpawnRequest{CommandArgs: []string{"x"}, Stdout: true})
	if !errors.Is(err, hresult.E_INVALIDARG) {
		t.Fatalf("Spawn without the announced file: %v", err)
	}
}

func TestAgentArgs(t *testing.T) {
	got := AgentArgs("/proc/self/fd/4", 3)
	if len(got) != 2 || got[0] != "/proc/self/fd/4" || got[1] != "--listen-fd=3" {
		t.Fatalf("AgentArgs = %q", got)
	}
}
