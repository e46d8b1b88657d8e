package agent_test

import (
	"errors"
	"fmt"
	"net"
	"os"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/linuxhcs/hcs/agent/protocol"
	"github.com/linuxhcs/hcs/hresult"
)

func TestExitsSurviveReconnect(t *testing.T) {
	ta := startAgent(t, nil)
	c1, _ := ta.dial(t)
	inR, inW := pipe(t)
	pid, err := c1.Spawn(ctx(t), protocol.SpawnRequest{CommandArgs: []string{"cat"}, Stdin: true}, inR)
	inR.Close()
	if err != nil {
		t.Fatal(err)
	}
	c1.Close()
	inW.Close() // cat exits while no host is connected
	time.Sleep(200 * time.Millisecond)

	for range 2 { // reported on every connection until acknowledged
		c, rec := ta.dial(t)
		if ev := rec.wait(t, pid, 10*time.Second); ev.ExitCode != 0 {
			t.Fatalf("re-sent exit = %+v", ev)
		}
		c.Close()
	}
	c3, rec3 := ta.dial(t)
	ev := rec3.wait(t, pid, 10*time.Second)
	if err := c3.AckExit(ctx(t), pid, ev.Seq); err != nil {
		t.Fatal(err)
	}
	c3.Close()

	c4, rec4 := ta.dial(t)
	if err := c4.Ping(ctx(t)); err != nil {
		t.Fatal(err)
	}
	time.Sleep(100 * time.Millisecond)
	if ev, ok := rec4.find(pid); ok {
		t.Fatalf("acknowledged exit reported again: %+v", ev)
	}
	if err := c4.AckExit(ctx(t), 987654321, 0); !errors.Is(err, hresult.ERROR_NOT_FOUND) {
		t.Fatalf("AckExit of an unknown pid: %v", err)
	}
}

func TestNewConnectionReplacesOld(t *testing.T) {
	ta := startAgent(t, nil)
	c1, _ := ta.dial(t)
	c2, _ := ta.dial(t)
	select {
	case <-c1.Done():
	case <-time.After(10 * time.Second):
		t.Fatal("first connection still open after a second one was made")
	}
	if err := c1.Ping(ctx(t)); !errors.Is(err, hresult.HCS_E_CONNECTION_CLOSED) {
		t.Fatalf("ping on the replaced connection: %v", err)
	}
	if err := c2.Ping(ctx(t)); err != nil {
		t.Fatal(err)
	}
}

// rawConn performs the handshake by hand and returns the framed connection and the socket
// under it.
func rawConn(t *testing.T, ta *testAgent, version int) (*protocol.Conn, *net.UnixConn) {
	t.Helper()
	nc, err := net.Dial("unix", ta.sock)
	if err != nil {
		t.Fatal(err)
	}
	conn, err := protocol.NewConn(nc.(*net.UnixConn))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { conn.Close() })
	conn.SetReadDeadline(time.Now().Add(10 * time.Second))
	m, _, err := conn.ReadMessage()
	if err != nil || m.Type != protocol.TypeHello {
		t.Fatalf("agent Hello: %+v, %v", m, err)
	}
	hello, _ := protocol.NewMessage(protocol.TypeHello, 0, protocol.Hello{ProtocolVersion: version})
	if err := conn.WriteMessage(hello, nil); err != nil {
		t.Fatal(err)
	}
	return conn, nc.(*net.UnixConn)
}

// expectClose reads until the agent closes the connection and returns the connection-level
// error it sent first.
func expectClose(t *testing.T, conn *protocol.Conn) *protocol.Error {
	t.Helper()
	var sent *protocol.Error
	for {
		m, _, err := conn.ReadMessage()
		if err != nil {
			if os.IsTimeout(err) {
				t.Fatal("agent did not close the connection")
			}
			return sent
		}
		if m.Type == protocol.TypeResponse && m.ID == 0 {
			sent = m.Error
		}
	}
}

func TestMalformedFrameClosesOnlyThatConnection(t *testing.T) {
	ta := startAgent(t, nil)
	bad := map[string][]byte{
		"invalid JSON":   append([]byte{0, 0, 0, 5}, "nope!"...),
		"oversize frame": {0x7f, 0xff, 0xff, 0xff},
		"missing ID":     append([]byte{0, 0, 0, 15}, `{"Type":"Ping"}`...),
	}
	for name, frame := range bad {
		conn, nc := rawConn(t, ta, protocol.Version)
		if _, err := nc.Write(frame); err != nil {
			t.Fatal(err)
		}
		if e := expectClose(t, conn); e == nil || !protocol.IsProtocolError(e.Err()) {
			t.Errorf("%s: agent's parting error = %v, want a protocol error", name, e)
		}
	}
	c, _ := ta.dial(t)
	if err := c.Ping(ctx(t)); err != nil {
		t.Fatalf("agent unusable after malformed frames: %v", err)
	}
}

func TestUnknownRequestKeepsConnection(t *testing.T) {
	ta := startAgent(t, nil)
	conn, _ := rawConn(t, ta, protocol.Version)
	conn.WriteMessage(&protocol.Message{Type: "Bogus", ID: 1}, nil)
	conn.WriteMessage(&protocol.Message{Type: protocol.TypeSignal, ID: 2, Body: []byte(`{"Pid":"x"}`)}, nil)
	conn.WriteMessage(&protocol.Message{Type: protocol.TypePing, ID: 3}, nil)
	want := map[uint64]hresult.HRESULT{1: hresult.HCS_E_UNKNOWN_MESSAGE, 2: hresult.HCS_E_INVALID_JSON, 3: 0}
	for range want {
		m, _, err := conn.ReadMessage()
		if err != nil {
			t.Fatal(err)
		}
		code, ok := want[m.ID]
		if !ok || (code == 0) != (m.Error == nil) || (m.Error != nil && !errors.Is(m.Error.Err(), code)) {
			t.Errorf("response %d: %+v %+v", m.ID, m, m.Error)
		}
		delete(want, m.ID)
	}
}

func TestProtocolVersionMismatch(t *testing.T) {
	ta := startAgent(t, nil)
	conn, _ := rawConn(t, ta, 99)
	e := expectClose(t, conn)
	if e == nil || !errors.Is(e.Err(), hresult.HCS_E_UNSUPPORTED_PROTOCOL_VERSION) ||
		!strings.Contains(e.Message, "99") || !strings.Contains(e.Message, "version "+strconv.Itoa(protocol.Version)) {
		t.Fatalf("agent's answer to version 99: %+v", e)
	}
}

func TestConcurrentRequests(t *testing.T) {
	ta := startAgent(t, nil)
	c, rec := ta.dial(t)
	var wg sync.WaitGroup
	errs := make(chan error, 40)
	for i := range 20 {
		wg.Add(2)
		go func() {
			defer wg.Done()
			errs <- spawnEcho(t, c, rec, i)
		}()
		go func() {
			defer wg.Done()
			errs <- c.Ping(ctx(t))
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Error(err)
		}
	}
}

// spawnEcho runs "echo i" and checks its output and exit.
func spawnEcho(t *testing.T, c *protocol.Client, rec *exitRecorder, i int) error {
	r, w, err := os.Pipe()
	if err != nil {
		return err
	}
	defer r.Close()
	pid, err := c.Spawn(ctx(t), protocol.SpawnRequest{CommandArgs: []string{"echo", strconv.Itoa(i)}, Stdout: true}, w)
	w.Close()
	if err != nil {
		return err
	}
	buf := make([]byte, 16)
	r.SetReadDeadline(time.Now().Add(10 * time.Second))
	n, err := r.Read(buf)
	if err != nil || string(buf[:n]) != fmt.Sprintf("%d\n", i) {
		return fmt.Errorf("echo %d printed %q, %v", i, buf[:n], err)
	}
	for deadline := time.Now().Add(10 * time.Second); time.Now().Before(deadline); time.Sleep(5 * time.Millisecond) {
		if ev, ok := rec.find(pid); ok {
			if ev.ExitCode != 0 {
				return fmt.Errorf("echo %d exit %+v", i, ev)
			}
			return nil
		}
	}
	return fmt.Errorf("echo %d: no exit", i)
}

func TestAgentHoldsNoStrayDescriptors(t *testing.T) {
	ta := startAgent(t, nil)
	c, rec := ta.dial(t)
	c.Ping(ctx(t))
	before := fdCount(t, ta.cmd.Process.Pid)
	for range 3 {
		_, out, _ := spawnOut(t, c, protocol.SpawnRequest{CommandArgs: []string{"true"}, Stderr: true})
		readAll(t, out, 10*time.Second)
		master, slave, err := protocol.OpenPTY()
		if err != nil {
			t.Fatal(err)
		}
		pid, err := c.Spawn(ctx(t), protocol.SpawnRequest{CommandArgs: []string{"true"}, EmulateConsole: true}, slave)
		slave.Close()
		if err != nil {
			t.Fatal(err)
		}
		rec.wait(t, pid, 10*time.Second)
		master.Close()
	}
	c.Spawn(ctx(t), protocol.SpawnRequest{CommandArgs: []string{"no-such-binary-hcs"}})
	time.Sleep(50 * time.Millisecond)
	if after := fdCount(t, ta.cmd.Process.Pid); after != before {
		t.Fatalf("agent holds %d descriptors after its processes exited, %d before", after, before)
	}
}

func fdCount(t *testing.T, pid int) int {
	t.Helper()
	ents, err := os.ReadDir("/proc/" + strconv.Itoa(pid) + "/fd")
	if err != nil {
		t.Fatal(err)
	}
	return len(ents)
}

func TestShutdownKillsAfterTimeout(t *testing.T) {
	ta := startAgent(t, nil)
	c, rec := ta.dial(t)
	stubborn, out, _ := spawnOut(t, c, protocol.SpawnRequest{
		CommandLine: `sh -c 'trap "" TERM; sleep 100 & echo ready; wait'`,
	})
	buf := make([]byte, 6)
	out.SetReadDeadline(time.Now().Add(10 * time.Second))
	if _, err := out.Read(buf); err != nil || string(buf) != "ready\n" {
		t.Fatalf("stubborn process said %q, %v", buf, err)
	}
	polite, err := c.Spawn(ctx(t), protocol.SpawnRequest{CommandArgs: []string{"sleep", "100"}})
	if err != nil {
		t.Fatal(err)
	}
	victims := waitDescendants(t, ta.cmd.Process.Pid, 3, 5*time.Second) // sh, its sleep, sleep
	start := time.Now()
	res, err := c.Shutdown(ctx(t), 300*time.Millisecond)
	if err != nil || !res.Forced {
		t.Fatalf("Shutdown = %+v, %v", res, err)
	}
	if d := time.Since(start); d < 300*time.Millisecond {
		t.Fatalf("Shutdown returned after %v, before its timeout", d)
	}
	if ev := rec.wait(t, polite, 5*time.Second); ev.ExitCode != 143 {
		t.Errorf("polite process exit = %+v, want 143", ev)
	}
	if ev := rec.wait(t, stubborn, 5*time.Second); ev.ExitCode != 137 {
		t.Errorf("stubborn process exit = %+v, want 137", ev)
	}
	if code := ta.wait(t, 10*time.Second); code != 0 {
		t.Fatalf("agent exit code %d, want 0", code)
	}
	for _, pid := range victims {
		if err := syscall.Kill(pid, 0); err != syscall.ESRCH {
			t.Errorf("process %d survived the shutdown", pid)
		}
	}
}

func TestSpawnRefusedDuringShutdown(t *testing.T) {
	ta := startAgent(t, nil)
	c, _ := ta.dial(t)
	if _, err := c.Spawn(ctx(t), protocol.SpawnRequest{CommandLine: `sh -c 'trap "" TERM; sleep 100'`}); err != nil {
		t.Fatal(err)
	}
	time.Sleep(50 * time.Millisecond)
	done := make(chan error, 1)
	go func() { _, err := c.Shutdown(ctx(t), 500*time.Millisecond); done <- err }()
	time.Sleep(100 * time.Millisecond)
	if _, err := c.Spawn(ctx(t), protocol.SpawnRequest{CommandArgs: []string{"true"}}); !errors.Is(err, hresult.HCS_E_INVALID_STATE) {
		t.Errorf("Spawn during shutdown: %v", err)
	}
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	if code := ta.wait(t, 10*time.Second); code != 0 {
		t.Fatalf("agent exit code %d", code)
	}
}

func TestSigtermShutsDownAgent(t *testing.T) {
	ta := startAgent(t, nil)
	c, rec := ta.dial(t)
	pid, err := c.Spawn(ctx(t), protocol.SpawnRequest{CommandArgs: []string{"sleep", "100"}})
	if err != nil {
		t.Fatal(err)
	}
	ta.cmd.Process.Signal(syscall.SIGTERM)
	if ev := rec.wait(t, pid, 10*time.Second); ev.ExitCode != 143 {
		t.Errorf("exit = %+v", ev)
	}
	if code := ta.wait(t, 10*time.Second); code != 0 {
		t.Fatalf("agent exit code %d after SIGTERM", code)
	}
}
