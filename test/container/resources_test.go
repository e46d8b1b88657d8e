package container_test

import (
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/linuxhcs/hcs/client"
	"github.com/linuxhcs/hcs/schema"
)

// hogScript makes the shell itself grow without bound, in anonymous memory: busybox ash
// keeps variables in its own heap, and the value doubles each round. Nothing else runs
// beside it, so the OOM killer's only sensible victim is this shell.
const hogScript = `x=0123456789abcdef; while :; do x="$x$x"; done`

func TestMemoryLimitIsEnforced(t *testing.T) {
	forEachRuntime(t, func(t *testing.T, e *env) {
		const limitMB = 32
		doc := busybox(t, func(c *schema.Container) { c.Memory = &schema.ContainerMemory{SizeInMB: limitMB} })
		sys := e.start("memory-"+e.runtime, doc)

		p := spawn(t, sys, sh(hogScript))
		out := string(p.stdout.all(t))
		if code := p.exitCode(t); code != 137 || out != "" {
			t.Errorf("growing without bound under a %d MB limit: exit code %d, stdout %q; want 137 (OOM kill) and no output", limitMB, code, out)
		}

		if n, found := oomKills(e.runtimeID("memory-" + e.runtime)); !found {
			t.Log("no memory.oom_control or memory.events to count OOM kills in")
		} else if n == 0 {
			t.Error("the container's memory cgroup counts no OOM kill")
		} else {
			t.Logf("OOM kills counted by the container's memory cgroup: %d", n)
		}
		if out := mustRun(t, sys, "echo alive"); out != "alive\n" {
			t.Errorf("the system after the OOM kill: %q", out)
		}
		props := properties(t, sys, schema.SystemPropertyTypeStatistics, schema.SystemPropertyTypeMemory)
		mem := props.Statistics.Memory
		if mem == nil || mem.MemoryUsageCommitBytes == 0 {
			t.Fatalf("Statistics.Memory %+v: no usage reported", mem)
		}
		if peak := mem.MemoryUsageCommitPeakBytes; peak < limitMB<<20*3/4 || peak > limitMB<<20 {
			t.Errorf("peak usage %d bytes; the process reached the %d MB limit, so want between 3/4 of it and all of it", peak, limitMB)
		}
		if props.Memory == nil || props.Memory.VirtualMachineMemory == nil {
			t.Fatalf("no Memory property: %+v", props.Memory)
		}
		if pages := props.Memory.VirtualMachineMemory.AssignedMemory; pages != limitMB<<20/4096 {
			t.Errorf("Memory.AssignedMemory %d pages, want %d (the limit in 4 KiB pages)", pages, limitMB<<20/4096)
		}
	})
}

func TestStatisticsFollowTheLoad(t *testing.T) {
	forEachRuntime(t, func(t *testing.T, e *env) {
		sys := e.start("stats-"+e.runtime, nil)
		before := properties(t, sys, schema.SystemPropertyTypeStatistics).Statistics
		if before == nil || before.Processor == nil || before.Memory == nil {
			t.Fatalf("Statistics %+v: Processor and Memory are missing", before)
		}

		busy := spawn(t, sys, schema.ProcessParameters{CommandArgs: []string{"/bin/sh", "-c", "while :; do :; done"}})
		time.Sleep(300 * time.Millisecond)
		mustDo(t, func(op *client.Operation) error { return busy.Terminate(op, "") })
		busy.status(t)

		after := properties(t, sys, schema.SystemPropertyTypeStatistics).Statistics
		if after.Processor == nil || after.Processor.TotalRuntime100ns <= before.Processor.TotalRuntime100ns {
			t.Errorf("Processor.TotalRuntime100ns went from %d to %+v over a 300 ms busy loop", before.Processor.TotalRuntime100ns, after.Processor)
		} else {
			t.Logf("the busy loop used %v of CPU", time.Duration(after.Processor.TotalRuntime100ns-before.Processor.TotalRuntime100ns)*100)
		}
		if after.Memory == nil || after.Memory.MemoryUsageCommitBytes == 0 {
			t.Errorf("Memory.MemoryUsageCommitBytes is 0: %+v", after.Memory)
		}

		sleep := spawn(t, sys, schema.ProcessParameters{CommandArgs: []string{"sleep", "1000"}})
		list := properties(t, sys, schema.SystemPropertyTypeProcessList).ProcessList
		found := false
		for _, pd := range list {
			if pd.ProcessId == sleep.info.ProcessID {
				found = true
				if pd.ImageName != "sleep" {
					t.Errorf("ProcessList entry of the sleep: ImageName %q", pd.ImageName)
				}
			}
		}
		if !found {
			t.Errorf("ProcessList %+v lacks the running sleep (pid %d)", list, sleep.info.ProcessID)
		}
	})
}

// oomKills reads the OOM-kill count of a container's memory cgroup, from memory.oom_control
// (cgroup v1) or memory.events (cgroup v2); found is false when neither file exists.
func oomKills(rid string) (n uint64, found bool) {
	for _, dir := range containerCgroups(rid) {
		for _, name := range []string{"memory.oom_control", "memory.events"} {
			b, err := os.ReadFile(filepath.Join(dir, name))
			if err != nil {
				continue
			}
			found = true
			for _, line := range strings.Split(string(b), "\n") {
				if v, ok := strings.CutPrefix(line, "oom_kill "); ok {
					c, _ := strconv.ParseUint(v, 10, 64)
					n += c
				}
			}
		}
	}
	return n, found
}
