package server_test

import (
	"fmt"
	"io"
	"net"
	"sync"
	"testing"
	"time"

	"github.com/linuxhcs/hcs/client"
	"github.com/linuxhcs/hcs/host/server"
	"github.com/linuxhcs/hcs/internal/fdconn"
	"github.com/linuxhcs/hcs/internal/rpc"
	"github.com/linuxhcs/hcs/wire"
)

// rawDial connects an rpc client without the client package, closed at the end of the test.
func rawDial(t *testing.T, path string) *rpc.Client {
	t.Helper()
	uc, err := net.DialUnix("unix", nil, &net.UnixAddr{Name: path, Net: "unix"})
	if err != nil {
		t.Fatal(err)
	}
	c, err := rpc.NewClient(ctx(t), uc, rpc.ClientOptions{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	return c
}

func TestManyRequestsOnOneConnection(t *testing.T) {
	d := startDaemon(t, daemonConfig{})
	c := d.dial(t)
	sys := started(t, c, "busy")
	var wg sync.WaitGroup
	for i := range 100 {
		wg.Go(func() {
			if i%2 == 0 {
				if got := state(t, sys); got != "Running" {
					t.Errorf("state = %s", got)
				}
				return
			}
			p, info := spawn(t, sys, fmt.Sprintf("echo %d", i), false, true)
			if out, _ := io.ReadAll(info.StdOutput); string(out) != fmt.Sprintf("%d\n", i) {
				t.Errorf("process %d wrote %q", i, out)
			}
			exitStatus(t, p)
		})
	}
	wg.Wait()
}

func TestManyConnections(t *testing.T) {
	d := startDaemon(t, daemonConfig{})
	var wg sync.WaitGroup
	for i := range 20 {
		wg.Go(func() {
			c := d.dial(t)
			sys := started(t, c, fmt.Sprintf("conn-%d", i))
			p, info := spawn(t, sys, "echo hi", false, true)
			if out, _ := io.ReadAll(info.StdOutput); string(out) != "hi\n" {
				t.Errorf("connection %d: %q", i, out)
			}
			exitStatus(t, p)
			mustDo(t, func(op *client.Operation) error { return sys.Terminate(op, "") })
			c.Close()
		})
	}
	wg.Wait()
}

// A client that sends requests and never reads the answers stalls only itself, and is
// disconnected once a message to it waits longer than the write timeout.
func TestSlowClientStallsOnlyItself(t *testing.T) {
	d := startDaemon(t, daemonConfig{server: server.Options{WriteTimeout: 300 * time.Millisecond}})
	slow := floodWithoutReading(t, d.path, "slow")
	c := d.dial(t)
	var sys *client.System
	deadline := time.Now().Add(testTimeout)
	for { // the slow client's system, which it holds a handle to
		var err error
		if sys, err = c.OpenComputeSystem(t.Context(), "slow", client.GenericAll); err == nil {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal(err)
		}
		time.Sleep(5 * time.Millisecond)
	}
	defer sys.Close()
	start := time.Now()
	mustDo(t, func(op *client.Operation) error { return sys.Start(op, "") })
	p, info := spawn(t, sys, "echo fine", false, true)
	if out, _ := io.ReadAll(info.StdOutput); string(out) != "fine\n" {
		t.Fatalf("output %q", out)
	}
	exitStatus(t, p)
	mustDo(t, func(op *client.Operation) error { return sys.Terminate(op, "") }) // emits events to the slow session
	if took := time.Since(start); took > 5*time.Second {
		t.Fatalf("other clients took %v next to a slow one", took)
	}
	time.Sleep(time.Second) // well past the write timeout, with the slow client still not reading
	slow.SetReadDeadline(time.Now().Add(testTimeout))
	for { // drain what the service managed to send, until it hung up
		if _, err := slow.ReadFrame(); err != nil {
			if !fdconn.IsClosed(err) {
				t.Fatalf("the slow client was not disconnected: %v", err)
			}
			break
		}
	}
}

// floodWithoutReading connects, creates system id, and sends requests until the service stops
// taking them, reading nothing.
func floodWithoutReading(t *testing.T, path, id string) *fdconn.Conn {
	t.Helper()
	uc, err := net.DialUnix("unix", nil, &net.UnixAddr{Name: path, Net: "unix"})
	if err != nil {
		t.Fatal(err)
	}
	fc, err := fdconn.New(uc, fdconn.Limits{MaxMessageSize: wire.MaxMessageSize, MaxFDs: wire.MaxFDs})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { fc.Close() })
	send := func(m *wire.Message) error {
		b, _ := rpc.Encode(m)
		return fc.WriteFrame(b, nil)
	}
	send(&wire.Message{Type: wire.TypeHello, Hello: &wire.Hello{ProtocolVersion: wire.ProtocolVersion}})
	send(&wire.Message{Type: wire.TypeRequest, ID: 1, Method: wire.MethodCreateSystem, Args: &wire.Args{NewRef: 1, ID: id, Document: containerDoc}})
	go func() {
		fc.SetWriteTimeout(testTimeout)
		for i := uint64(2); send(&wire.Message{Type: wire.TypeRequest, ID: i, Method: wire.MethodEnumerateSystems}) == nil; i++ {
		}
	}()
	return fc
}
