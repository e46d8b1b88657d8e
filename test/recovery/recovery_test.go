// Package recovery_test checks that a compute service restarted on the same state directory
// reattaches to the containers the previous one left running and rolls back the ones it
// left half created.
package recovery_test

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/linuxhcs/hcs/client"
	"github.com/linuxhcs/hcs/driver/container"
	"github.com/linuxhcs/hcs/host"
	"github.com/linuxhcs/hcs/hresult"
	"github.com/linuxhcs/hcs/internal/testlayer"
	"github.com/linuxhcs/hcs/internal/testutil"
	"github.com/linuxhcs/hcs/schema"
)

func TestMain(m *testing.M) {
	code := m.Run()
	testlayer.Cleanup()
	for _, d := range []string{"/sys/fs/cgroup/*/hcs-rtest", "/sys/fs/cgroup/hcs-rtest"} {
		dirs, _ := filepath.Glob(d)
		for _, dir := range dirs {
			os.Remove(dir)
		}
	}
	os.Exit(code)
}

// env is what two service instances share: the state directory and driver settings.
type env struct {
	t        *testing.T
	state    string
	sockets  string
	rtRoot   string
	agent    string
	layer    string
	writable string
	grace    time.Duration
	// handshake is the driver's HandshakeTimeout (zero for its default).
	handshake time.Duration
}

func newEnv(t *testing.T) *env {
	testutil.RequireRoot(t)
	agent, err := testlayer.Agent()
	if err != nil {
		t.Fatal(err)
	}
	layer, err := testlayer.Busybox()
	if err != nil {
		t.Fatal(err)
	}
	sockets, err := os.MkdirTemp("/run", "hcs-r")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(sockets) })
	dir := t.TempDir()
	return &env{t: t, state: filepath.Join(dir, "state"), sockets: sockets, rtRoot: filepath.Join(dir, "rt"),
		agent: agent, layer: layer, writable: filepath.Join(dir, "rw")}
}

// service starts a host on the shared state directory, recovering what is there.
func (e *env) service() (*host.Host, *client.Client, []string) {
	e.t.Helper()
	drv, err := container.New(container.Options{Runtime: "runc", AgentPath: e.agent, RuntimeRoot: e.rtRoot,
		SocketDir: e.sockets, CgroupParent: "/hcs-rtest", HandshakeTimeout: e.handshake})
	if err != nil {
		e.t.Fatal(err)
	}
	h, err := host.New(host.Options{Container: drv, StateDir: e.state, ReattachGrace: e.grace})
	if err != nil {
		e.t.Fatal(err)
	}
	ids, err := h.Recover(ctx(e.t))
	if err != nil {
		e.t.Fatal(err)
	}
	c := client.New(h.Connect())
	return h, c, ids
}

func (e *env) doc() string {
	return fmt.Sprintf(`{"Container":{"Storage":{"Layers":[{"Path":%q}],"Path":%q}}}`, e.layer, e.writable)
}

func ctx(t *testing.T) context.Context {
	c, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	t.Cleanup(cancel)
	return c
}

func do(t *testing.T, call func(op *client.Operation) error) string {
	t.Helper()
	doc, err := client.Do(ctx(t), call)
	if err != nil {
		t.Fatal(err)
	}
	return doc
}

func spawn(t *testing.T, sys *client.System, script string) (*client.Process, client.ProcessInformation) {
	t.Helper()
	op := client.NewOperation(nil, nil)
	defer op.Close()
	p, err := sys.CreateProcess(fmt.Sprintf(`{"CommandArgs":["/bin/sh","-c",%q],"CreateStdInPipe":true,"CreateStdOutPipe":true}`, script), op)
	if err != nil {
		t.Fatal(err)
	}
	info, _, err := op.WaitAndProcessInfo(ctx(t))
	if err != nil {
		t.Fatal(err)
	}
	return p, info
}

func TestRestartReattachesRunningContainer(t *testing.T) {
	e := newEnv(t)
	first, c1, _ := e.service()
	op := client.NewOperation(nil, nil)
	sys, err := c1.CreateComputeSystem("survivor", e.doc(), op)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := op.Wait(ctx(t)); err != nil {
		t.Fatal(err)
	}
	do(t, func(op *client.Operation) error { return sys.Start(op, "") })
	_, sleeper := spawn(t, sys, "exec sleep 100")
	_, reader := spawn(t, sys, "read x; echo got $x; exit 7")
	defer reader.StdInput.Close()
	defer reader.StdOutput.Close()
	first.Close(ctx(t), false) // the service goes away; the container keeps running

	again := reopened(t, e, "survivor", schema.StateRunning)
	// The reader still talks to its client directly, and its exit reaches the new service.
	// It is opened before it is let go: a process that ended with no handle open is gone.
	rp, err := again.OpenProcess(t.Context(), reader.ProcessID, client.GenericAll)
	if err != nil {
		t.Fatal(err)
	}
	defer rp.Close()
	io.WriteString(reader.StdInput, "hi\n")
	out, _ := io.ReadAll(reader.StdOutput)
	if string(out) != "got hi\n" {
		t.Fatalf("reader output %q", out)
	}
	st, err := rp.WaitForExit(ctx(t))
	if err != nil || !strings.Contains(st, `"ExitCode":7`) {
		t.Fatalf("reader exit %s, %v", st, err)
	}
	stillUsable(t, again, sleeper.ProcessID)
	do(t, func(op *client.Operation) error { return again.Terminate(op, "") })
	assertNoMount(t, e.writable)
}

// reopened starts a new service on e's state, checks that it recovered id alone, and opens
// id there, which must be in state want. The handle and the service end with the test.
func reopened(t *testing.T, e *env, id string, want schema.State) *client.System {
	t.Helper()
	second, c2, ids := e.service()
	t.Cleanup(func() { second.Close(context.Background(), true) })
	if len(ids) != 1 || ids[0] != id {
		t.Fatalf("recovered %v, want %s", ids, id)
	}
	again, err := c2.OpenComputeSystem(t.Context(), id, client.GenericAll)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { again.Close() })
	var props schema.Properties
	json.Unmarshal([]byte(do(t, func(op *client.Operation) error { return again.GetProperties(op, "") })), &props)
	if props.State != want {
		t.Fatalf("recovered state %s, want %s", props.State, want)
	}
	return again
}

// stillUsable checks a recovered system: the process sleeper, which survived the restart,
// opens and is terminated (137), and a new process runs and writes its output.
func stillUsable(t *testing.T, sys *client.System, sleeper uint32) {
	t.Helper()
	sp, err := sys.OpenProcess(ctx(t), sleeper, client.GenericAll)
	if err != nil {
		t.Fatalf("a process that survived the restart cannot be opened: %v", err)
	}
	defer sp.Close()
	do(t, func(op *client.Operation) error { return sp.Terminate(op, "") })
	if st, _ := sp.WaitForExit(ctx(t)); !strings.Contains(st, `"ExitCode":137`) {
		t.Fatalf("sleeper exit %s", st)
	}
	_, echo := spawn(t, sys, "echo new")
	echo.StdInput.Close()
	if b, _ := io.ReadAll(echo.StdOutput); string(b) != "new\n" {
		t.Fatalf("a new process after the restart wrote %q", b)
	}
}

func TestRestartRollsBackHalfCreatedSystem(t *testing.T) {
	e := newEnv(t)
	first, c1, _ := e.service()
	op := client.NewOperation(nil, nil)
	sys, err := c1.CreateComputeSystem("halfway", e.doc(), op)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := op.Wait(ctx(t)); err != nil {
		t.Fatal(err)
	}
	first.Close(ctx(t), false)
	// Make the record say what it says while the driver is still creating.
	rec := filepath.Join(e.state, "systems", "halfway", "system.json")
	b, _ := os.ReadFile(rec)
	os.WriteFile(rec, []byte(strings.Replace(string(b), `"Config"`, `"Creating":true,"Config"`, 1)), 0o600)
	_ = sys

	second, c2, ids := e.service()
	t.Cleanup(func() { second.Close(context.Background(), true) })
	if len(ids) != 0 {
		t.Fatalf("a half-created system was reattached: %v", ids)
	}
	if _, err := c2.OpenComputeSystem(t.Context(), "halfway", client.GenericAll); !hresult.Is(err, hresult.HCS_E_SYSTEM_NOT_FOUND) {
		t.Fatalf("open after rollback: %v", err)
	}
	assertNoMount(t, e.writable)
	if _, err := os.Stat(filepath.Join(e.state, "systems", "halfway")); !os.IsNotExist(err) {
		t.Fatalf("state directory left: %v", err)
	}
}

func TestRestartForgetsContainerThatDiedWhileDown(t *testing.T) {
	e := newEnv(t)
	first, c1, _ := e.service()
	op := client.NewOperation(nil, nil)
	sys, _ := c1.CreateComputeSystem("gone", e.doc(), op)
	if _, err := op.Wait(ctx(t)); err != nil {
		t.Fatal(err)
	}
	do(t, func(op *client.Operation) error { return sys.Start(op, "") })
	d := testutil.ReadContainerRecord(t, filepath.Join(e.state, "systems", "gone"))
	first.Close(ctx(t), false)
	if d.Pid <= 0 {
		t.Fatalf("no init pid recorded: %+v", d)
	}
	p, _ := os.FindProcess(d.Pid)
	p.Kill()
	waitGone(t, d.Pid)

	second, c2, ids := e.service()
	t.Cleanup(func() { second.Close(context.Background(), true) })
	if len(ids) != 0 {
		t.Fatalf("a dead container was reattached: %v", ids)
	}
	if _, err := c2.OpenComputeSystem(t.Context(), "gone", client.GenericAll); !hresult.Is(err, hresult.HCS_E_SYSTEM_NOT_FOUND) {
		t.Fatalf("open: %v", err)
	}
	assertNoMount(t, e.writable)
}

func waitGone(t *testing.T, pid int) {
	deadline := time.Now().Add(10 * time.Second)
	for time.Now().Before(deadline) {
		if _, err := os.Stat(fmt.Sprintf("/proc/%d", pid)); os.IsNotExist(err) {
			return
		}
		time.Sleep(10 * time.Millisecond)
	}
	t.Fatalf("pid %d still exists", pid)
}

func assertNoMount(t *testing.T, path string) {
	t.Helper()
	b, _ := os.ReadFile("/proc/self/mountinfo")
	for _, line := range strings.Split(string(b), "\n") {
		if f := strings.Fields(line); len(f) > 4 && f[4] == path {
			t.Fatalf("%s is still mounted: %s", path, line)
		}
	}
}

func TestServiceStopIsNotALastHandleClose(t *testing.T) {
	e := newEnv(t)
	e.grace = 300 * time.Millisecond
	first, c1, _ := e.service()
	doc := strings.Replace(e.doc(), `{"Container"`, `{"ShouldTerminateOnLastHandleClosed":true,"Container"`, 1)
	op := client.NewOperation(nil, nil)
	sys, err := c1.CreateComputeSystem("ephemeral", doc, op)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := op.Wait(ctx(t)); err != nil {
		t.Fatal(err)
	}
	do(t, func(op *client.Operation) error { return sys.Start(op, "") })
	first.Close(ctx(t), false)

	second, c2, ids := e.service()
	t.Cleanup(func() { second.Close(context.Background(), true) })
	if len(ids) != 1 {
		t.Fatalf("a system with ShouldTerminateOnLastHandleClosed did not survive the service stop: %v", ids)
	}
	// Nobody opens it again within the grace period: it is terminated and forgotten.
	deadline := time.Now().Add(20 * time.Second)
	for second.SystemCount() > 0 {
		if time.Now().After(deadline) {
			t.Fatal("still registered long after the grace period")
		}
		time.Sleep(50 * time.Millisecond)
	}
	if _, err := c2.OpenComputeSystem(t.Context(), "ephemeral", client.GenericAll); !hresult.Is(err, hresult.HCS_E_SYSTEM_NOT_FOUND) {
		t.Fatalf("open after the grace period: %v", err)
	}
	assertNoMount(t, e.writable)
}
