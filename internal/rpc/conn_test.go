package rpc

import (
	"context"
	"encoding/binary"
	"errors"
	"os"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/linuxhcs/hcs/hresult"
	"github.com/linuxhcs/hcs/internal/fdconn"
	"github.com/linuxhcs/hcs/wire"
)

func TestClientRefusesAnotherProtocolVersion(t *testing.T) {
	cs, ss := socketPair(t)
	srv := newRaw(t, ss)
	go srv.send(&wire.Message{Type: wire.TypeHello, Hello: &wire.Hello{ProtocolVersion: 99, ServerVersion: "future"}})
	_, err := NewClient(testCtx(t), cs, ClientOptions{Version: "old"})
	wantCode(t, err, hresult.HCS_E_UNSUPPORTED_PROTOCOL_VERSION)
	for _, s := range []string{"version 99", "version " + strconv.Itoa(wire.ProtocolVersion), "future", "old"} {
		if !strings.Contains(err.Error(), s) {
			t.Errorf("error %q does not name %q", err, s)
		}
	}
}

func TestServiceRefusesAnotherProtocolVersion(t *testing.T) {
	cs, ss := socketPair(t)
	done := make(chan error, 1)
	go func() { done <- Serve(context.Background(), ss, ServeOptions{Handler: echo, Version: "now"}) }()
	cl := newRaw(t, cs)
	cl.hello(99)
	if m := cl.read(); m.Type != wire.TypeHello || m.Hello.ProtocolVersion != wire.ProtocolVersion {
		t.Fatalf("first message = %+v", m)
	}
	err := cl.refusal()
	wantCode(t, err, hresult.HCS_E_UNSUPPORTED_PROTOCOL_VERSION)
	if !strings.Contains(err.Error(), "version 99") || !strings.Contains(err.Error(), "version "+strconv.Itoa(wire.ProtocolVersion)) {
		t.Errorf("error %q does not name both versions", err)
	}
	cl.expectEOF()
	wantCode(t, <-done, hresult.HCS_E_UNSUPPORTED_PROTOCOL_VERSION)
}

func TestRejectSendsOnlyTheError(t *testing.T) {
	cs, ss := socketPair(t)
	errc := make(chan error, 1)
	go func() {
		_, err := NewClient(testCtx(t), cs, ClientOptions{})
		errc <- err
	}()
	// Let the client's Hello arrive unread, as when a real peer is refused at once.
	waitFor(t, "the client's Hello", func() bool {
		n, err := readable(ss)
		return err == nil && n > 0
	})
	Reject(ss, hresult.New(hresult.HCS_E_ACCESS_DENIED, "uid 1000 may not use the compute service"))
	err := <-errc
	wantCode(t, err, hresult.HCS_E_ACCESS_DENIED)
	if !strings.Contains(err.Error(), "uid 1000") {
		t.Errorf("error %q lost its message", err)
	}
}

func TestMalformedFramesCloseOnlyThatConnection(t *testing.T) {
	other, _ := served(t, ServeOptions{Handler: echo})
	cases := map[string][]byte{
		"not JSON":       frame([]byte("{nope")),
		"no type":        frame([]byte(`{"ID":1}`)),
		"unknown type":   frame([]byte(`{"Type":"Gossip"}`)),
		"request no ID":  frame([]byte(`{"Type":"Request","Method":"OpenSystem"}`)),
		"a response":     frame([]byte(`{"Type":"Response","ID":4}`)),
		"oversize":       binary.BigEndian.AppendUint32(nil, wire.MaxMessageSize+1),
		"empty frame":    {0, 0, 0, 0},
		"wrong Args":     frame([]byte(`{"Type":"Request","ID":1,"Method":"OpenSystem","Args":[1]}`)),
		"Hello again":    frame([]byte(`{"Type":"Hello","Hello":{"ProtocolVersion":1}}`)),
		"event from one": frame([]byte(`{"Type":"Event","Event":{"Handle":1}}`)),
	}
	for name, data := range cases {
		t.Run(name, func(t *testing.T) {
			cs, ss := socketPair(t)
			done := make(chan error, 1)
			go func() { done <- Serve(context.Background(), ss, ServeOptions{Handler: echo}) }()
			cl := newRaw(t, cs)
			cl.hello(wire.ProtocolVersion)
			cl.read() // the service's Hello
			if err := cl.c.fc.UnixConn().SetWriteDeadline(time.Now().Add(patience)); err != nil {
				t.Fatal(err)
			}
			if _, err := cs.Write(data); err != nil {
				t.Fatal(err)
			}
			if err := cl.refusal(); !fdconn.IsProtocolError(err) && !hresult.Is(err, hresult.HCS_E_UNKNOWN_MESSAGE) {
				t.Fatalf("refusal = %v, want a protocol error", err)
			}
			cl.expectEOF()
			if err := <-done; err == nil {
				t.Fatal("Serve returned nil after a malformed frame")
			}
		})
	}
	if _, _, err := other.Call(testCtx(t), wire.MethodServiceProperties, nil); err != nil {
		t.Fatalf("another connection failed: %v", err)
	}
}

func frame(body []byte) []byte {
	return append(binary.BigEndian.AppendUint32(nil, uint32(len(body))), body...)
}

func TestServiceDisconnect(t *testing.T) {
	release := make(chan struct{})
	defer close(release)
	ctx, stop := context.WithCancel(context.Background())
	cs, ss := socketPair(t)
	go Serve(ctx, ss, ServeOptions{Handler: func(context.Context, wire.Method, *wire.Args, []*os.File) (*wire.Result, []*os.File, error) {
		<-release
		return &wire.Result{}, nil, nil
	}})
	c, err := NewClient(testCtx(t), cs, ClientOptions{})
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	inflight := make(chan error, 1)
	go func() { _, _, err := c.Call(testCtx(t), wire.MethodSystemOp, &wire.Args{Ref: 1}); inflight <- err }()
	time.Sleep(20 * time.Millisecond)
	stop() // the service ends the connection
	wantCode(t, <-inflight, hresult.HCS_E_SERVICE_DISCONNECT)
	if _, ok := <-c.Events(); ok {
		t.Fatal("Events still open after the service went away")
	}
	_, _, err = c.Call(testCtx(t), wire.MethodServiceProperties, nil)
	wantCode(t, err, hresult.HCS_E_SERVICE_DISCONNECT)
}

func TestCloseFailsLaterCalls(t *testing.T) {
	c, done := served(t, ServeOptions{Handler: echo})
	c.Close()
	_, _, err := c.Call(testCtx(t), wire.MethodServiceProperties, nil)
	wantCode(t, err, hresult.ERROR_INVALID_HANDLE)
	if err := <-done; err != nil {
		t.Fatalf("Serve after the client hung up = %v, want nil", err)
	}
}

func TestHandshakeTimeout(t *testing.T) {
	cs, ss := socketPair(t)
	done := make(chan error, 1)
	go func() {
		done <- Serve(context.Background(), ss, ServeOptions{Handler: echo, HandshakeTimeout: 50 * time.Millisecond})
	}()
	_ = cs // a client that never says Hello
	select {
	case err := <-done:
		if err == nil {
			t.Fatal("Serve returned nil for a client that never said Hello")
		}
	case <-time.After(patience):
		t.Fatal("Serve still waits for a Hello")
	}
	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	cs2, _ := socketPair(t) // a service that never says Hello
	_, err := NewClient(ctx, cs2, ClientOptions{})
	wantCode(t, err, hresult.HCS_E_CONNECTION_TIMEOUT)
}

// A service that sends an oversized frame has broken the connection: the pending call
// reports the disconnect, not a request of its own that was too large.
func TestOversizedFrameFromTheServiceIsADisconnect(t *testing.T) {
	cs, ss := socketPair(t)
	svc := newRaw(t, ss)
	go func() {
		svc.send(&wire.Message{Type: wire.TypeHello, Hello: &wire.Hello{ProtocolVersion: wire.ProtocolVersion}})
		svc.read() // the client's Hello
		svc.read() // the request
		ss.Write(binary.BigEndian.AppendUint32(nil, wire.MaxMessageSize+1))
	}()
	c, err := NewClient(testCtx(t), cs, ClientOptions{})
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	_, _, err = c.Call(testCtx(t), wire.MethodServiceProperties, nil)
	wantCode(t, err, hresult.HCS_E_SERVICE_DISCONNECT)
	if errors.Is(err, hresult.E_INVALIDARG) {
		t.Fatalf("call = %v: the service's frame was blamed on the request", err)
	}
}
