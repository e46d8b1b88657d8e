package vm

import (
	"context"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/linuxhcs/hcs/driver"
	"github.com/linuxhcs/hcs/schema"
)

// guestNanos reads the guest's clock (its uptime: busybox's date has no %N).
func guestNanos(t *testing.T, v *vm) int64 {
	t.Helper()
	out, code := v.sh("cat /proc/uptime")
	f := strings.Fields(out)
	var secs float64
	var err error
	if len(f) > 0 {
		secs, err = strconv.ParseFloat(f[0], 64)
	}
	if code != 0 || len(f) == 0 || err != nil {
		t.Fatalf("/proc/uptime = %q, exit %d", out, code)
	}
	return int64(secs * 1e9)
}

// TestPauseStopsGuestClock: while paused the guest's clock does not advance.
func TestPauseStopsGuestClock(t *testing.T) {
	requireVM(t)
	v := createVM(t, newTestDriver(t), vmDoc(env.kernel, env.initrd))
	v.start()
	h0, g0 := time.Now(), guestNanos(t, v)
	v.must("Pause", func(ctx context.Context) error { return v.sys.Pause(ctx, nil) })
	const pause = 2 * time.Second
	time.Sleep(pause)
	v.must("Resume", v.sys.Resume)
	g1, host := guestNanos(t, v), time.Since(h0)
	guest := time.Duration(g1 - g0)
	t.Logf("host time %v, guest time %v across a %v pause", host, guest, pause)
	if guest > host-pause+pause/4 {
		t.Errorf("the guest clock ran while paused: guest %v, host %v, paused %v", guest, host, pause)
	}
}

// TestSaveRestore saves a paused VM to a file and restores it into a new system, where the
// same guest process goes on counting.
func TestSaveRestore(t *testing.T) {
	requireVM(t)
	d := newTestDriver(t)
	v1 := createVM(t, d, vmDoc(env.kernel, env.initrd))
	v1.start()
	counter := v1.spawnBackground("i=0; while :; do i=$((i+1)); echo $i > /tmp/count; sleep 0.1; done")
	waitGuest(t, v1, `[ "$(cat /tmp/count 2>/dev/null)" -gt 2 ]`)
	state := filepath.Join(t.TempDir(), "saved.vmrs")
	if err := CreateEmptyRuntimeStateFile(state); err != nil {
		t.Fatal(err)
	}
	v1.must("Pause", func(ctx context.Context) error { return v1.sys.Pause(ctx, nil) })
	t0 := time.Now()
	v1.must("Save", func(ctx context.Context) error {
		return v1.sys.Save(ctx, &schema.SaveOptions{SaveType: schema.SaveTypeToFile, SaveStateFilePath: state})
	})
	t.Logf("save took %v", time.Since(t0))
	st := v1.waitExit()
	if st.Cause != driver.ExitStopped || len(st.Attribution) == 0 || st.Attribution[0].WorkerExit == nil {
		t.Errorf("exit after save = %+v, want GracefulExit attributed to a Saved worker exit", st)
	}
	req, err := GetProcessorCompatibilityFromSavedState(state)
	if err != nil || len(req.ProcessorFeatures) == 0 {
		t.Errorf("processor compatibility of the saved state: %+v, %v", req, err)
	}

	doc := vmDoc(env.kernel, env.initrd)
	doc.VirtualMachine.RestoreState = &schema.RestoreState{SaveStateFilePath: state}
	v2 := createVM(t, d, doc)
	t.Logf("restore to agent took %v", v2.start())
	before, _ := v2.sh("cat /tmp/count")
	waitGuest(t, v2, `[ "$(cat /tmp/count)" -gt `+strings.TrimSpace(before)+` ]`)
	if out, code := v2.sh("kill -0 " + strconv.Itoa(int(counter)) + " && echo alive"); code != 0 || !strings.Contains(out, "alive") {
		t.Errorf("the counting process %d is not alive after the restore: %q, exit %d", counter, out, code)
	}
}

// spawnBackground starts a script with no stdio and returns its pid.
func (v *vm) spawnBackground(script string) uint32 {
	v.t.Helper()
	params := &schema.ProcessParameters{CommandArgs: []string{"/bin/sh", "-c", script}, Environment: map[string]string{"PATH": "/bin"}}
	var pid uint32
	v.must("CreateProcess", func(ctx context.Context) error {
		p, err := v.sys.CreateProcess(ctx, v.request(params, driverStdioNone))
		if err == nil {
			pid = p.Pid()
		}
		return err
	})
	return pid
}

// waitGuest polls a shell condition in the guest (every 100 ms, within the timeout).
func waitGuest(t testing.TB, v *vm, cond string) {
	t.Helper()
	script := `i=0; while [ $i -lt 300 ]; do if ` + cond + `; then exit 0; fi; sleep 0.1; i=$((i+1)); done; exit 1`
	if _, code := v.sh(script); code != 0 {
		t.Fatalf("guest condition %q never held", cond)
	}
}
