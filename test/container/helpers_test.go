package container_test

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/linuxhcs/hcs/client"
	"github.com/linuxhcs/hcs/driver/container"
	"github.com/linuxhcs/hcs/host"
	"github.com/linuxhcs/hcs/hresult"
	"github.com/linuxhcs/hcs/internal/testlayer"
	"github.com/linuxhcs/hcs/internal/testutil"
	"github.com/linuxhcs/hcs/schema"
	"github.com/linuxhcs/hcs/utility"
)

// waitTimeout bounds every single wait of these tests (an operation, an exit, an event,
// some output), so a broken host fails a test instead of hanging the run.
const waitTimeout = 30 * time.Second

// layerID is the Id the busybox layer gets in container documents.
const layerID = "5f7d1c0e-8a5b-4f4e-9d2a-1b3c4d5e6f70"

// runtimes are the OCI runtimes every main test runs against.
var runtimes = []string{"runc", "crun"}

// env is one embedded host on a container driver for one runtime, with a client session.
type env struct {
	t           *testing.T
	runtime     string
	runtimeRoot string // the runtime's --root
	socketDir   string // the agents' sockets
	stateDir    string // the host's state directory
	drv         *container.Driver
	h           *host.Host
	c           *client.Client
}

// modes are the two ways a client reaches the service: an embedded host, and hcsd's socket
// protocol (a server on a socket, client.Dial).
var modes = []string{"embedded", "daemon"}

// forEachRuntime runs fn as a subtest per runtime and client mode, each with its own env.
func forEachRuntime(t *testing.T, fn func(t *testing.T, e *env)) {
	for _, rt := range runtimes {
		for _, mode := range modes {
			t.Run(rt+"-"+mode, func(t *testing.T) { fn(t, newEnv(t, rt, mode)) })
		}
	}
}

var lastEnv atomic.Int64

// usedRuntimes lists the runtime of every env, for the leftover check.
var usedRuntimes struct {
	mu  sync.Mutex
	all []*container.Runtime
}

func addRuntime(rt *container.Runtime) {
	usedRuntimes.mu.Lock()
	defer usedRuntimes.mu.Unlock()
	usedRuntimes.all = append(usedRuntimes.all, rt)
}

func runtimesUsed() []*container.Runtime {
	usedRuntimes.mu.Lock()
	defer usedRuntimes.mu.Unlock()
	return append([]*container.Runtime(nil), usedRuntimes.all...)
}

// newEnv builds a driver for runtime, with its state, sockets and cgroups under this run's
// names, and a host over it reached in mode. Everything is closed when the test ends.
func newEnv(t *testing.T, runtime, mode string) *env {
	t.Helper()
	testutil.RequireRoot(t)
	agent, err := testlayer.Agent()
	if err != nil {
		t.Fatal(err)
	}
	n := lastEnv.Add(1)
	// Runtime state stays until TestMain has checked it for left-over containers.
	sockets := filepath.Join(socketRoot, fmt.Sprint(n))
	drv, err := container.New(container.Options{
		Runtime: runtime, AgentPath: agent, SocketDir: sockets, CgroupParent: cgroupParent,
		RuntimeRoot: filepath.Join(baseDir, "runtime", fmt.Sprint(n)),
	})
	if err != nil {
		t.Fatal(err)
	}
	root := drv.Runtime().Root
	addRuntime(drv.Runtime())
	state := t.TempDir()
	h, err := host.New(host.Options{Container: drv, StateDir: state, ShutdownTimeout: 10 * time.Second, Utilities: utility.Functions()})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), waitTimeout)
		defer cancel()
		if err := h.Close(ctx, true); err != nil {
			t.Errorf("closing the host: %v", err)
		}
	})
	c := connect(t, h, mode)
	t.Cleanup(func() { c.Close() })
	return &env{t: t, runtime: runtime, runtimeRoot: root, socketDir: sockets, stateDir: state, drv: drv, h: h, c: c}
}

// timeout returns a context that ends after waitTimeout or with the test.
func timeout(t *testing.T) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), waitTimeout)
	t.Cleanup(cancel)
	return ctx
}

// busybox returns a container document on the busybox layer with a writable layer in a new
// temporary directory; edit may change the Container section.
func busybox(t *testing.T, edit func(c *schema.Container)) *schema.ComputeSystem {
	t.Helper()
	layer, err := testlayer.Busybox()
	if err != nil {
		t.Fatal(err)
	}
	cs := &schema.ComputeSystem{
		SchemaVersion: &schema.Version{Major: 2, Minor: 1},
		Owner:         "container-e2e",
		Container: &schema.Container{Storage: &schema.Storage{
			Layers: []schema.Layer{{Id: layerID, Path: layer}},
			Path:   filepath.Join(t.TempDir(), "rw"),
		}},
	}
	if edit != nil {
		edit(cs.Container)
	}
	return cs
}

// create makes a system from doc and waits for the creation. The system is terminated and
// its handle closed when the test ends, whatever happened.
func (e *env) create(id string, doc *schema.ComputeSystem) *client.System {
	e.t.Helper()
	b, err := json.Marshal(doc)
	if err != nil {
		e.t.Fatal(err)
	}
	op := client.NewOperation(nil, nil)
	defer op.Close()
	sys, err := e.c.CreateComputeSystem(id, string(b), op)
	if err != nil {
		e.t.Fatalf("CreateComputeSystem(%q): %v", id, err)
	}
	e.t.Cleanup(func() { stopAndClose(e.t, sys) })
	if _, err := op.Wait(timeout(e.t)); err != nil {
		e.t.Fatalf("creating %q: %v", id, err)
	}
	return sys
}

// start creates a system from doc (a plain busybox container when nil) and starts it.
func (e *env) start(id string, doc *schema.ComputeSystem) *client.System {
	e.t.Helper()
	if doc == nil {
		doc = busybox(e.t, nil)
	}
	sys := e.create(id, doc)
	mustDo(e.t, func(op *client.Operation) error { return sys.Start(op, "") })
	return sys
}

// stopAndClose terminates a system unless it already stopped, and closes the handle.
func stopAndClose(t *testing.T, sys *client.System) {
	ctx, cancel := context.WithTimeout(context.Background(), waitTimeout)
	defer cancel()
	_, err := client.Do(ctx, func(op *client.Operation) error { return sys.Terminate(op, "") })
	if hresult.Is(err, hresult.ERROR_INVALID_HANDLE) {
		return // the test closed the handle itself
	}
	if err != nil && !stoppedOrGone(err) {
		t.Errorf("terminating %s at the end of the test: %v", sys.ID(), err)
	}
	sys.Close()
}

// stoppedOrGone reports whether err says the system had already stopped or never existed.
func stoppedOrGone(err error) bool {
	return hresult.Is(err, hresult.HCS_E_SYSTEM_ALREADY_STOPPED) || hresult.Is(err, hresult.HCS_E_SYSTEM_NOT_FOUND) ||
		hresult.Is(err, hresult.HCS_E_INVALID_STATE)
}

func mustDo(t *testing.T, call func(op *client.Operation) error) string {
	t.Helper()
	doc, err := client.Do(timeout(t), call)
	if err != nil {
		t.Fatal(err)
	}
	return doc
}

// properties queries a system's properties for the given property types.
func properties(t *testing.T, sys *client.System, types ...schema.SystemPropertyType) schema.Properties {
	t.Helper()
	query := ""
	if len(types) > 0 {
		b, _ := json.Marshal(schema.SystemPropertyQuery{PropertyTypes: types})
		query = string(b)
	}
	doc := mustDo(t, func(op *client.Operation) error { return sys.GetProperties(op, query) })
	var p schema.Properties
	if err := json.Unmarshal([]byte(doc), &p); err != nil {
		t.Fatalf("Properties %s: %v", doc, err)
	}
	return p
}

// events records the events of one handle.
type events chan client.Event

func watch(t *testing.T, set func(client.EventOptions, client.EventCallback) error) events {
	t.Helper()
	ev := make(events, 64)
	if err := set(client.EventOptionNone, func(e client.Event) { ev <- e }); err != nil {
		t.Fatal(err)
	}
	return ev
}

// next returns the next event, which must be of type want.
func (e events) next(t *testing.T, want client.EventType) client.Event {
	t.Helper()
	select {
	case ev := <-e:
		if ev.Type != want {
			t.Fatalf("event %#x (data %s), want %#x", ev.Type, ev.Data, want)
		}
		return ev
	case <-time.After(waitTimeout):
		t.Fatalf("no event %#x within %v", want, waitTimeout)
	}
	return client.Event{}
}

// decode unmarshals an event or result document into v.
func decode(t *testing.T, doc string, v any) {
	t.Helper()
	if err := json.Unmarshal([]byte(doc), v); err != nil {
		t.Fatalf("decoding %s: %v", doc, err)
	}
}

// pathExists reports whether path exists on the host.
func pathExists(path string) bool {
	_, err := os.Lstat(path)
	return err == nil
}
