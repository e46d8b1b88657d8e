package server_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/linuxhcs/hcs/client"
	"github.com/linuxhcs/hcs/driver/fakedriver"
	"github.com/linuxhcs/hcs/host"
	"github.com/linuxhcs/hcs/host/server"
	"github.com/linuxhcs/hcs/hresult"
	"github.com/linuxhcs/hcs/schema"
	"github.com/linuxhcs/hcs/wire"
)

const containerDoc = `{"SchemaVersion":{"Major":2,"Minor":1},"Owner":"test","Container":{}}`

// testTimeout bounds every wait in these tests.
const testTimeout = 20 * time.Second

// testGID is the group allowed besides root. As root no such group needs to exist; as
// another user the socket can only be given the user's own group.
var testGID = func() uint32 {
	if os.Geteuid() == 0 {
		return 48151
	}
	return uint32(os.Getgid())
}()

func ctx(t testing.TB) context.Context {
	c, cancel := context.WithTimeout(context.Background(), testTimeout)
	t.Cleanup(cancel)
	return c
}

// daemon is a host served on a socket in a temporary directory, with the fake driver.
type daemon struct {
	t    testing.TB
	h    *host.Host
	drv  *fakedriver.Driver
	srv  *server.Server
	ln   *server.Listener
	dir  string
	path string
}

type daemonConfig struct {
	socketMode os.FileMode
	server     server.Options
	driver     []fakedriver.Option
	utilities  map[wire.UtilityFunc]host.UtilityHandler
}

func startDaemon(t testing.TB, cfg daemonConfig) *daemon {
	t.Helper()
	d := &daemon{t: t, drv: fakedriver.New(cfg.driver...), dir: socketDir(t)}
	d.path = filepath.Join(d.dir, "hcsd.sock")
	h, err := host.New(host.Options{Container: d.drv, StateDir: t.TempDir(), ShutdownTimeout: 5 * time.Second, Utilities: cfg.utilities})
	if err != nil {
		t.Fatal(err)
	}
	d.h = h
	if d.ln, err = server.Listen(d.path, server.ListenOptions{GID: testGID, Mode: cfg.socketMode}); err != nil {
		t.Fatal(err)
	}
	if cfg.server.Logger == nil {
		cfg.server.Logger = slog.New(slog.DiscardHandler)
	}
	if cfg.server.AllowedGIDs == nil {
		cfg.server.AllowedGIDs = []uint32{testGID}
	}
	d.srv = server.New(h, cfg.server)
	served := make(chan error, 1)
	go func() { served <- d.srv.Serve(d.ln.UnixListener) }()
	t.Cleanup(func() {
		d.stop()
		if err := <-served; !errors.Is(err, server.ErrServerClosed) {
			t.Errorf("Serve = %v, want ErrServerClosed", err)
		}
		h.Close(ctx(t), true)
	})
	return d
}

// stop shuts the server down; it may be called more than once.
func (d *daemon) stop() {
	c, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	d.srv.Shutdown(c)
	d.ln.Close()
}

// socketDir returns a directory that every user may traverse, for the socket.
func socketDir(t testing.TB) string {
	dir, err := os.MkdirTemp("", "hcsd-test-")
	if err != nil {
		t.Fatal(err)
	}
	if err := os.Chmod(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(dir) })
	return dir
}

// dial connects a client to the daemon, closed at the end of the test.
func (d *daemon) dial(t testing.TB) *client.Client {
	t.Helper()
	c, err := client.Dial(ctx(t), d.path)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	return c
}

// embedded opens an in-process session on the same host, closed at the end of the test.
func (d *daemon) embedded(t testing.TB) *client.Client {
	c := client.New(d.h.Connect())
	t.Cleanup(func() { c.Close() })
	return c
}

func create(t testing.TB, c *client.Client, id, doc string) *client.System {
	t.Helper()
	op := client.NewOperation(nil, nil)
	defer op.Close()
	sys, err := c.CreateComputeSystem(id, doc, op)
	if err != nil {
		t.Fatalf("CreateComputeSystem(%q): %v", id, err)
	}
	if _, err := op.Wait(ctx(t)); err != nil {
		sys.Close()
		t.Fatalf("create %q: %v", id, err)
	}
	t.Cleanup(func() { sys.Close() })
	return sys
}

func started(t testing.TB, c *client.Client, id string) *client.System {
	t.Helper()
	sys := create(t, c, id, containerDoc)
	mustDo(t, func(op *client.Operation) error { return sys.Start(op, "") })
	return sys
}

func mustDo(t testing.TB, call func(op *client.Operation) error) string {
	t.Helper()
	doc, err := client.Do(ctx(t), call)
	if err != nil {
		t.Fatal(err)
	}
	return doc
}

func wantCode(t testing.TB, err error, code hresult.HRESULT) {
	t.Helper()
	if !errors.Is(err, code) {
		t.Fatalf("error = %v, want %s", err, code)
	}
}

// spawn starts a shell command with the requested pipes.
func spawn(t testing.TB, sys *client.System, script string, stdin, stdout bool) (*client.Process, client.ProcessInformation) {
	t.Helper()
	params := fmt.Sprintf(`{"CommandArgs":["/bin/sh","-c",%q],"CreateStdInPipe":%v,"CreateStdOutPipe":%v}`, script, stdin, stdout)
	op := client.NewOperation(nil, nil)
	defer op.Close()
	p, err := sys.CreateProcess(params, op)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { p.Close() })
	info, _, err := op.WaitAndProcessInfo(ctx(t))
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range []io.Closer{info.StdInput, info.StdOutput, info.StdError} {
		if f != nil {
			t.Cleanup(func() { f.Close() })
		}
	}
	return p, info
}

func exitStatus(t testing.TB, p *client.Process) schema.ProcessStatus {
	t.Helper()
	doc, err := p.WaitForExit(ctx(t))
	if err != nil {
		t.Fatal(err)
	}
	var st schema.ProcessStatus
	if err := json.Unmarshal([]byte(doc), &st); err != nil {
		t.Fatalf("%s: %v", doc, err)
	}
	return st
}

// events records a handle's events.
type events chan client.Event

func (e events) callback(ev client.Event) { e <- ev }

// until skips other events until one of type want.
func (e events) until(t testing.TB, want client.EventType) client.Event {
	t.Helper()
	deadline := time.After(testTimeout)
	for {
		select {
		case ev := <-e:
			if ev.Type == want {
				return ev
			}
		case <-deadline:
			t.Fatalf("no event %#x within %v", want, testTimeout)
		}
	}
}

// completion waits for the EventOperationCallback of op, skipping everything else.
func (e events) completion(t testing.TB, op *client.Operation) {
	t.Helper()
	for {
		if ev := e.until(t, client.EventOperationCallback); ev.Operation == op {
			return
		}
	}
}

// state returns the system's State property as seen through c.
func state(t testing.TB, sys *client.System) string {
	t.Helper()
	doc := mustDo(t, func(op *client.Operation) error { return sys.GetProperties(op, "") })
	var p schema.Properties
	if err := json.Unmarshal([]byte(doc), &p); err != nil {
		t.Fatal(err)
	}
	return string(p.State)
}

// terminateAll terminates every system and waits until the host forgot them all, so an id
// can be used again.
func (d *daemon) terminateAll(t testing.TB) {
	t.Helper()
	c := d.embedded(t)
	defer c.Close()
	doc := mustDo(t, func(op *client.Operation) error { return c.EnumerateComputeSystems("", op) })
	var list []schema.Properties
	if err := json.Unmarshal([]byte(doc), &list); err != nil {
		t.Fatal(err)
	}
	for _, p := range list {
		sys, err := c.OpenComputeSystem(t.Context(), p.Id, client.GenericAll)
		if err != nil {
			t.Fatal(err)
		}
		client.Do(ctx(t), func(op *client.Operation) error { return sys.Terminate(op, "") })
		if _, err := sys.WaitForExit(ctx(t)); err != nil {
			t.Fatal(err)
		}
		sys.Close()
	}
	deadline := time.Now().Add(testTimeout)
	for {
		doc := mustDo(t, func(op *client.Operation) error { return c.EnumerateComputeSystems("", op) })
		if doc == "[]" {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("systems left: %s", doc)
		}
		time.Sleep(5 * time.Millisecond)
	}
}
