package container_test

import (
	"path/filepath"
	"sort"
	"strconv"
	"testing"
	"time"

	"github.com/linuxhcs/hcs/client"
	"github.com/linuxhcs/hcs/internal/testutil"
	"github.com/linuxhcs/hcs/schema"
)

// settleTime bounds the wait for descriptors that close asynchronously (a goroutine that
// finishes reading a stream, an exit watch that sees its process gone).
const settleTime = 3 * time.Second

func TestClosedContainerLeavesNothingBehind(t *testing.T) {
	forEachRuntime(t, func(t *testing.T, e *env) {
		// The first container loads what a driver and the Go runtime keep for good (the
		// agent image, the poller): a leak is what a further container adds on top.
		lifeCycle(t, e, "warm-"+e.runtime)
		before := settledFiles(nil)

		id := "clean-" + e.runtime
		rid, rw, agent := lifeCycle(t, e, id)

		if isMountPoint(rw) {
			t.Errorf("the writable layer %s is still mounted", rw)
		}
		if ids, err := runtimeList(e.runtime, e.runtimeRoot); err != nil || len(ids) > 0 {
			t.Errorf("%s --root %s list: %v %v, want no containers", e.runtime, e.runtimeRoot, ids, err)
		}
		if dirs := containerCgroups(rid); len(dirs) > 0 {
			t.Errorf("cgroups left: %v", dirs)
		}
		for _, p := range containerProcesses(rid) {
			if !p.reapedElsewhere() {
				t.Errorf("process left in the container's cgroups: %v", p)
			}
		}
		if state, _ := procStat(filepath.Join("/proc", strconv.Itoa(agent), "stat")); state != "?" && state != "Z" {
			t.Errorf("the agent (host pid %d) still runs: state %s", agent, state)
		}
		if socks, _ := filepath.Glob(filepath.Join(e.socketDir, "*")); len(socks) > 0 {
			t.Errorf("agent sockets left: %v", socks)
		}
		if left, _ := filepath.Glob(filepath.Join(e.stateDir, "systems", "*")); len(left) > 0 {
			t.Errorf("host state left: %v", left)
		}
		after := settledFiles(before)
		t.Logf("open descriptors of the test process: %d before the container, %d after", len(before), len(after))
		if len(after) > len(before) {
			t.Errorf("open descriptors grew from %d to %d; new ones: %v", len(before), len(after), newFiles(before, after))
		}
	})
}

// lifeCycle creates and starts a container, runs a process in it, terminates it and closes
// every handle and file. It returns the container's runtime id, its writable layer and the
// host pid of its agent.
func lifeCycle(t *testing.T, e *env, id string) (rid, rw string, agent int) {
	t.Helper()
	doc := busybox(t, nil)
	rw = doc.Container.Storage.Path
	sys := e.start(id, doc)
	rid = e.runtimeID(id)

	if !isMountPoint(rw) {
		t.Errorf("the writable layer %s is not mounted while the container runs", rw)
	}
	for _, p := range containerProcesses(rid) {
		if p.isAgent() {
			agent = p.pid
		}
	}
	if agent == 0 {
		t.Fatalf("no hcs-agent process in the cgroups of %s: %v", rid, containerProcesses(rid))
	}
	p := spawn(t, sys, sh("echo hello"))
	if out := string(p.stdout.all(t)); out != "hello\n" {
		t.Errorf("output %q", out)
	}
	p.stderr.all(t)
	if code := p.exitCode(t); code != 0 {
		t.Errorf("exit code %d", code)
	}
	p.release()
	mustDo(t, func(op *client.Operation) error { return sys.Terminate(op, "") })
	if st := properties(t, sys).State; st != schema.StateStopped {
		t.Errorf("State %q after Terminate", st)
	}
	sys.Close()
	return rid, rw, agent
}

// settledFiles returns this process's open descriptors once their number stops changing,
// or, with want, once it is back to want's (each within settleTime).
func settledFiles(want map[string]string) map[string]string {
	deadline := time.Now().Add(settleTime)
	last := openFiles()
	for time.Now().Before(deadline) {
		time.Sleep(100 * time.Millisecond)
		cur := openFiles()
		if want != nil && len(cur) <= len(want) || want == nil && len(cur) == len(last) {
			return cur
		}
		last = cur
	}
	return last
}

// newFiles lists the descriptors in after that are not in before, with their targets.
func newFiles(before, after map[string]string) []string {
	var out []string
	for fd, target := range after {
		if before[fd] != target {
			out = append(out, fd+" -> "+target)
		}
	}
	sort.Strings(out)
	return out
}

// runtimeID returns the name the container driver gave system id's runtime container, as
// recorded in its state.
func (e *env) runtimeID(id string) string {
	e.t.Helper()
	return testutil.ReadContainerRecord(e.t, filepath.Join(e.stateDir, "systems", id)).RuntimeID
}
