package container_test

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"golang.org/x/sys/unix"

	"github.com/linuxhcs/hcs/driver"
	"github.com/linuxhcs/hcs/driver/container"
	"github.com/linuxhcs/hcs/driver/drivertest"
	"github.com/linuxhcs/hcs/hresult"
	"github.com/linuxhcs/hcs/internal/testutil"
	"github.com/linuxhcs/hcs/schema"
)

// hangBound only detects a Start that never returns.
const hangBound = 90 * time.Second

// startFailing creates a container from cfg and starts it, expecting Start to fail. It tears
// the container down as the host does after a failed start and checks that nothing is left:
// no runtime entry, no agent socket, no union mount.
func startFailing(t *testing.T, d *container.Driver, id string, cfg *schema.ComputeSystem) error {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), hangBound)
	defer cancel()
	stateDir := t.TempDir()
	sys, err := d.Create(ctx, driver.CreateRequest{ID: id, Config: cfg, StateDir: stateDir, Notify: drivertest.NewRecorder()})
	if err != nil {
		t.Fatal(err)
	}
	rid := recordedRuntimeID(t, stateDir)
	closed := false
	t.Cleanup(func() {
		if !closed {
			sys.Terminate(context.Background())
			sys.Close(context.Background())
		}
	})
	startErr := sys.Start(ctx)
	if startErr == nil {
		t.Fatal("Start succeeded")
	}
	if ctx.Err() != nil {
		t.Fatalf("Start did not return before the hang bound: %v", startErr)
	}
	if err := sys.Terminate(ctx); err != nil {
		t.Fatalf("Terminate after the failed start: %v", err)
	}
	if err := sys.Close(ctx); err != nil {
		t.Fatalf("Close after the failed start: %v", err)
	}
	closed = true
	if d.Runtime().Exists(ctx, rid) {
		t.Errorf("the runtime still has an entry for %s", id)
	}
	mounts, _ := os.ReadFile("/proc/self/mountinfo")
	if strings.Contains(string(mounts), cfg.Container.Storage.Path) {
		t.Errorf("the container's root is still mounted at %s", cfg.Container.Storage.Path)
	}
	return startErr
}

func wantCode(t *testing.T, err error, code hresult.HRESULT) {
	t.Helper()
	var he *hresult.Error
	if !errors.As(err, &he) || he.Code != code {
		t.Fatalf("Start: %v; want code %v", err, code)
	}
}

// TestStartReportsAnInitKilledBeforeTheHandshake kills the agent as soon as the runtime
// started it: Start ends with HCS_E_TERMINATED_DURING_START and the init's exit status,
// which the driver reaped (no zombie is left).
func TestStartReportsAnInitKilledBeforeTheHandshake(t *testing.T) {
	for _, rt := range []string{"runc", "crun"} {
		t.Run(rt, func(t *testing.T) {
			d := newDriver(t, rt)
			container.SetInitStarted(d, func(pid int) { unix.Kill(pid, unix.SIGKILL) })
			err := startFailing(t, d, "killed-early-"+rt, busyboxConfig(t))
			wantCode(t, err, hresult.HCS_E_TERMINATED_DURING_START)
			if !strings.Contains(err.Error(), "killed by signal 9") {
				t.Errorf("Start: %v; want the init's exit status (killed by signal 9)", err)
			}
			if z := zombieChildren(); len(z) > 0 {
				t.Errorf("unreaped children left: %v", z)
			}
		})
	}
}

// zombieChildren lists the pids of this process's children that exited and were not reaped.
func zombieChildren() []string {
	var out []string
	self := strconv.Itoa(os.Getpid())
	stats, _ := filepath.Glob("/proc/[0-9]*/stat")
	for _, path := range stats {
		b, err := os.ReadFile(path)
		if err != nil {
			continue
		}
		// pid (comm) state ppid ...: comm may hold spaces, so fields start after ')'.
		s := string(b)
		f := strings.Fields(s[strings.LastIndexByte(s, ')')+1:])
		if len(f) > 1 && f[0] == "Z" && f[1] == self {
			out = append(out, strings.TrimSpace(s[:strings.LastIndexByte(s, ')')+1]))
		}
	}
	return out
}

// TestStartReportsAnAgentThatNeverAnswers stops the agent before it can answer: it accepts
// the connection (the socket is listening) but never says Hello, and Start ends after the
// handshake timeout with HCS_E_CONNECTION_TIMEOUT.
func TestStartReportsAnAgentThatNeverAnswers(t *testing.T) {
	d := newDriver(t, "crun", func(o *container.Options) { o.HandshakeTimeout = 2 * time.Second })
	container.SetInitStarted(d, func(pid int) { unix.Kill(pid, unix.SIGSTOP) })
	err := startFailing(t, d, "never-answers", busyboxConfig(t))
	wantCode(t, err, hresult.HCS_E_CONNECTION_TIMEOUT)
}

// TestStartReportsAnOOMKilledInit gives the container too little memory for its agent:
// Start ends promptly with HCS_E_TERMINATED_DURING_START, naming the OOM kill.
func TestStartReportsAnOOMKilledInit(t *testing.T) {
	d := newDriver(t, "crun")
	cfg := busyboxConfig(t)
	cfg.Container.Memory = &schema.ContainerMemory{SizeInMB: 1}
	err := startFailing(t, d, "no-memory", cfg)
	t.Logf("Start: %v", err)
	wantCode(t, err, hresult.HCS_E_TERMINATED_DURING_START)
	if !strings.Contains(err.Error(), "OOM") {
		t.Errorf("Start: %v; want the OOM kill named", err)
	}
}

func recordedRuntimeID(t *testing.T, stateDir string) string {
	t.Helper()
	return testutil.ReadContainerRecord(t, stateDir).RuntimeID
}
