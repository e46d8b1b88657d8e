package container_test

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/linuxhcs/hcs/driver"
	"github.com/linuxhcs/hcs/driver/container"
	"github.com/linuxhcs/hcs/driver/drivertest"
	"github.com/linuxhcs/hcs/hresult"
	"github.com/linuxhcs/hcs/schema"
)

// hashedName is how a runtime container was once named after a compute-system id too long
// or too odd to use as is: "hcs-" and 24 hex digits of its SHA-256. An id of exactly those
// digits, used as is, got the same name.
func hashedName(id string) string {
	sum := sha256.Sum256([]byte(id))
	return hex.EncodeToString(sum[:12])
}

// TestCollidingIDsRunApart starts two systems whose ids once mapped to one runtime
// container: both run at once, and stopping the second leaves the first running.
func TestCollidingIDsRunApart(t *testing.T) {
	for _, rt := range []string{"runc", "crun"} {
		t.Run(rt, func(t *testing.T) {
			d := newDriver(t, rt)
			long := strings.Repeat("a-long-system-id-", 4)
			first := startNamed(t, d, long)
			second := startNamed(t, d, hashedName(long))
			if a, b := first.state(t).RuntimeID, second.state(t).RuntimeID; a == b {
				t.Fatalf("both systems run as runtime container %s", a)
			}
			for _, c := range []*namedSystem{first, second} {
				if out, _ := runIn(t, c.sys, c.rec, "echo alive"); out != "alive\n" {
					t.Fatalf("%s: %q, want alive", c.id, out)
				}
			}
			second.stop(t)
			if out, _ := runIn(t, first.sys, first.rec, "echo alive"); out != "alive\n" {
				t.Fatalf("%s after %s stopped: %q, want alive", first.id, second.id, out)
			}
			if exits := first.rec.Exits(); len(exits) != 0 {
				t.Fatalf("%s exited when %s stopped: %v", first.id, second.id, exits)
			}
		})
	}
}

// TestTakenRuntimeNameIsRefused makes a second system ask for the runtime name of a running
// one: Create refuses with HCS_E_SYSTEM_ALREADY_EXISTS and the first keeps running. A name
// taken between Create and Start is refused by Start, which leaves the holder alone too.
func TestTakenRuntimeNameIsRefused(t *testing.T) {
	for _, rt := range []string{"runc", "crun"} {
		t.Run(rt, func(t *testing.T) { checkTakenNameRefused(t, newDriver(t, rt)) })
	}
}

func checkTakenNameRefused(t *testing.T, d *container.Driver) {
	container.SetRuntimeIDs(d, func() (string, error) { return "hcs-taken-name", nil })
	late := createNamed(t, d, "late") // named before the holder exists
	holder := startNamed(t, d, "holder")
	_, err := d.Create(context.Background(), driver.CreateRequest{ID: "again", Config: busyboxConfig(t), StateDir: t.TempDir(), Notify: drivertest.NewRecorder()})
	if !hresult.Is(err, hresult.HCS_E_SYSTEM_ALREADY_EXISTS) {
		t.Fatalf("Create with a taken runtime name: %v, want HCS_E_SYSTEM_ALREADY_EXISTS", err)
	}
	if err := late.sys.Start(context.Background()); !hresult.Is(err, hresult.HCS_E_SYSTEM_ALREADY_EXISTS) {
		t.Fatalf("Start with a taken runtime name: %v, want HCS_E_SYSTEM_ALREADY_EXISTS", err)
	}
	late.stop(t)
	if out, _ := runIn(t, holder.sys, holder.rec, "echo alive"); out != "alive\n" {
		t.Fatalf("the holder of the name: %q, want alive", out)
	}
	if _, err := os.Stat(filepath.Join(holder.socketDir, "hcs-taken-name.sock")); err != nil {
		t.Fatalf("the holder's agent socket: %v", err)
	}
	checkRunRefusesTakenName(t, d.Runtime(), holder)
}

// TestTakenCgroupIsRefused: a runtime name whose cgroup exists is refused too, and the
// cgroup is left alone.
func TestTakenCgroupIsRefused(t *testing.T) {
	d := newDriver(t, "runc")
	container.SetRuntimeIDs(d, func() (string, error) { return "hcs-cgroup-taken", nil })
	dir := container.CgroupDir(d, "hcs-cgroup-taken")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.Remove(dir) })
	_, err := d.Create(context.Background(), driver.CreateRequest{ID: "cgroup", Config: busyboxConfig(t), StateDir: t.TempDir(), Notify: drivertest.NewRecorder()})
	if !hresult.Is(err, hresult.HCS_E_SYSTEM_ALREADY_EXISTS) {
		t.Fatalf("Create with a taken cgroup: %v, want HCS_E_SYSTEM_ALREADY_EXISTS", err)
	}
	if _, err := os.Stat(dir); err != nil {
		t.Fatalf("the taken cgroup after the refusal: %v", err)
	}
}

// checkRunRefusesTakenName asks the runtime to run a second container under the holder's
// name, as a Start that lost a race for the name would: the answer is
// HCS_E_SYSTEM_ALREADY_EXISTS, which tells Start the container is not its own to delete.
func checkRunRefusesTakenName(t *testing.T, rt *container.Runtime, holder *namedSystem) {
	t.Helper()
	r, w, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	defer w.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	_, err = rt.StartDetached(ctx, holder.state(t).RuntimeID, filepath.Join(holder.dir, "bundle"), w, func() []byte { return nil }, nil)
	if !hresult.Is(err, hresult.HCS_E_SYSTEM_ALREADY_EXISTS) {
		t.Fatalf("%s run with a name it holds: %v, want HCS_E_SYSTEM_ALREADY_EXISTS", rt.Name, err)
	}
}

// namedSystem is a container of a test, with what it reported.
type namedSystem struct {
	id        string
	cfg       *schema.ComputeSystem
	sys       driver.System
	rec       *drivertest.Recorder
	dir       string // its state directory
	socketDir string
	stopped   bool
}

// createNamed creates a busybox container with the given id; it is stopped and closed when
// the test ends.
func createNamed(t *testing.T, d *container.Driver, id string) *namedSystem {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	c := &namedSystem{id: id, cfg: busyboxConfig(t), rec: drivertest.NewRecorder(), dir: t.TempDir(), socketDir: container.SocketDir(d)}
	sys, err := d.Create(ctx, driver.CreateRequest{ID: id, Config: c.cfg, StateDir: c.dir, Notify: c.rec})
	if err != nil {
		t.Fatalf("Create %s: %v", id, err)
	}
	c.sys = sys
	t.Cleanup(func() { c.stop(t) })
	return c
}

// startNamed creates and starts a busybox container with the given id.
func startNamed(t *testing.T, d *container.Driver, id string) *namedSystem {
	t.Helper()
	c := createNamed(t, d, id)
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	if err := c.sys.Start(ctx); err != nil {
		t.Fatalf("Start %s: %v", id, err)
	}
	return c
}

// stop terminates and closes the container, once.
func (c *namedSystem) stop(t *testing.T) {
	if c.stopped {
		return
	}
	c.stopped = true
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	c.sys.Terminate(ctx) // fails when it never started, which is fine here
	if err := c.sys.Close(ctx); err != nil {
		t.Errorf("Close %s: %v", c.id, err)
	}
}

// recorded is the part of driver.json the tests look at.
type recorded struct {
	RuntimeID string
	Pid       int
}

func (c *namedSystem) state(t *testing.T) recorded {
	t.Helper()
	var r recorded
	b, err := os.ReadFile(filepath.Join(c.dir, "driver.json"))
	if err == nil {
		err = json.Unmarshal(b, &r)
	}
	if err != nil {
		t.Fatalf("%s: driver.json: %v", c.id, err)
	}
	return r
}
