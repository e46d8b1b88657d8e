package rpc

import (
	"context"
	"errors"
	"net"
	"os"
	"testing"
	"time"

	"github.com/linuxhcs/hcs/hresult"
	"github.com/linuxhcs/hcs/internal/fdconn"
	"github.com/linuxhcs/hcs/internal/testutil"
	"github.com/linuxhcs/hcs/wire"
)

// patience bounds every wait in these tests.
const patience = 10 * time.Second

func testCtx(t *testing.T) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), patience)
	t.Cleanup(cancel)
	return ctx
}

// socketPair returns two connected unix stream sockets, closed at the end of the test.
func socketPair(t *testing.T) (a, b *net.UnixConn) { return testutil.SocketPair(t) }

// served starts Serve on one end of a socket pair and returns a connected Client and the
// channel Serve's result arrives on.
func served(t *testing.T, opts ServeOptions) (*Client, <-chan error) {
	t.Helper()
	cs, ss := socketPair(t)
	done := make(chan error, 1)
	go func() { done <- Serve(context.Background(), ss, opts) }()
	c, err := NewClient(testCtx(t), cs, ClientOptions{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	return c, done
}

// echo answers every request with its Document.
func echo(ctx context.Context, method wire.Method, args *wire.Args, _ []*os.File) (*wire.Result, []*os.File, error) {
	return &wire.Result{Document: string(method) + ":" + args.Document}, nil, nil
}

// rawClient is a hand-driven client end, for sending what Client never would.
type rawClient struct {
	t *testing.T
	c *conn
}

func newRaw(t *testing.T, uc *net.UnixConn) *rawClient {
	fc, err := fdconn.New(uc, limits)
	if err != nil {
		t.Fatal(err)
	}
	fc.SetReadDeadline(time.Now().Add(patience))
	return &rawClient{t: t, c: newConn(fc)}
}

func (r *rawClient) send(m *wire.Message) {
	r.t.Helper()
	if err := r.c.write(m, nil); err != nil {
		r.t.Fatal(err)
	}
}

func (r *rawClient) hello(version int) {
	r.send(&wire.Message{Type: wire.TypeHello, Hello: &wire.Hello{ProtocolVersion: version, ClientVersion: "raw"}})
}

func (r *rawClient) read() *wire.Message {
	r.t.Helper()
	m, files, err := r.c.read()
	if err != nil {
		r.t.Fatal(err)
	}
	closeFiles(files)
	return m
}

// refusal reads until the connection-level error Response and returns its error.
func (r *rawClient) refusal() error {
	r.t.Helper()
	for {
		m := r.read()
		if m.Type == wire.TypeResponse && m.ID == 0 {
			return decodeError(m.Error)
		}
	}
}

// expectEOF checks that the peer closed the connection.
func (r *rawClient) expectEOF() {
	r.t.Helper()
	if _, _, err := r.c.read(); !fdconn.IsClosed(err) {
		r.t.Fatalf("read = %v, want end of stream", err)
	}
}

func wantCode(t *testing.T, err error, code hresult.HRESULT) {
	t.Helper()
	if !errors.Is(err, code) {
		t.Fatalf("error = %v, want %s", err, code)
	}
}

func openFDs(t *testing.T) int { return testutil.OpenFDs(t) }

// waitFor polls cond until it holds or patience runs out.
func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(patience)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

func isUnknownMessage(err error) bool { return errors.Is(err, hresult.HCS_E_UNKNOWN_MESSAGE) }
