package container_test

import (
	"context"
	"fmt"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/linuxhcs/hcs/client"
	"github.com/linuxhcs/hcs/schema"
)

// counterScript prints increasing numbers, one a line, as fast as a few milliseconds allow.
const counterScript = `i=0; while :; do i=$((i+1)); echo $i; usleep 2000; done`

// lastNumber returns the last complete line of out as a number (0 when there is none).
func lastNumber(out string) int {
	lines := strings.Split(out, "\n")
	if len(lines) < 2 {
		return 0
	}
	n, _ := strconv.Atoi(lines[len(lines)-2]) // the last element follows the last newline
	return n
}

// counterBeyond waits until the counter passes n and returns its value.
func counterBeyond(t *testing.T, out *output, n int) int {
	t.Helper()
	deadline := time.Now().Add(waitTimeout)
	for time.Now().Before(deadline) {
		if v := lastNumber(out.String()); v > n {
			return v
		}
		time.Sleep(10 * time.Millisecond)
	}
	t.Fatalf("the counter did not pass %d within %v", n, waitTimeout)
	return 0
}

// pause pauses sys. Should the test end with the system still paused, it is resumed first,
// so that the clean-up of its processes, which goes through its agent, is not held up.
func pause(t *testing.T, sys *client.System) {
	t.Helper()
	mustDo(t, func(op *client.Operation) error { return sys.Pause(op, "") })
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), waitTimeout)
		defer cancel()
		client.Do(ctx, func(op *client.Operation) error { return sys.Resume(op, "") })
	})
}

func TestPauseFreezesProcesses(t *testing.T) {
	forEachRuntime(t, func(t *testing.T, e *env) {
		sys := e.start("pause-"+e.runtime, nil)
		p := spawn(t, sys, sh(counterScript))
		counterBeyond(t, p.stdout, 5)

		pause(t, sys)
		time.Sleep(100 * time.Millisecond) // let output written before the freeze arrive
		first := lastNumber(p.stdout.String())
		time.Sleep(500 * time.Millisecond)
		if second := lastNumber(p.stdout.String()); second != first {
			t.Errorf("the counter went from %d to %d while the system was paused", first, second)
		}
		if st := properties(t, sys).State; st != schema.StatePaused {
			t.Errorf("State %q while paused, want Paused", st)
		}

		mustDo(t, func(op *client.Operation) error { return sys.Resume(op, "") })
		counterBeyond(t, p.stdout, first)
		if st := properties(t, sys).State; st != schema.StateRunning {
			t.Errorf("State %q after Resume, want Running", st)
		}
	})
}

func TestSaveFailsNamingCRIU(t *testing.T) {
	forEachRuntime(t, func(t *testing.T, e *env) {
		sys := e.start("save-"+e.runtime, nil)
		p := spawn(t, sys, sh(counterScript))
		counterBeyond(t, p.stdout, 0)
		pause(t, sys)

		file := filepath.Join(t.TempDir(), "state.vmrs")
		options := fmt.Sprintf(`{"SaveType":"ToFile","SaveStateFilePath":%q}`, file)
		_, err := client.Do(timeout(t), func(op *client.Operation) error { return sys.Save(op, options) })
		if err == nil {
			t.Fatal("Save succeeded on a host where CRIU cannot work")
		}
		if !strings.Contains(strings.ToLower(err.Error()), "criu") {
			t.Errorf("Save error %q does not name CRIU as the reason", err)
		}
		t.Logf("Save: %v", err)
		if pathExists(file) {
			t.Errorf("the failed Save left %s behind", file)
		}

		if st := properties(t, sys).State; st != schema.StatePaused {
			t.Errorf("State %q after the failed Save, want Paused", st)
		}
		mustDo(t, func(op *client.Operation) error { return sys.Resume(op, "") })
		counterBeyond(t, p.stdout, lastNumber(p.stdout.String()))
		if out := mustRun(t, sys, "echo usable"); out != "usable\n" {
			t.Errorf("after the failed Save: %q", out)
		}
	})
}
