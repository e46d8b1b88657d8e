package container_test

import (
	"testing"

	"github.com/linuxhcs/hcs/schema"
)

// pipeHogScript exceeds the memory limit the way the shell's command substitution does: the
// shell reads 100 MB from a pipeline into its heap while head and tr keep the pipe full.
// When the shell is killed the cgroup is still at its limit for a moment, and the next
// allocation in the container picks another victim.
const pipeHogScript = `x=$(head -c 100000000 /dev/zero | tr '\0' a); echo survived ${#x}`

// oomAttempts bounds how often the test below provokes an OOM kill. Before the agent gave
// its processes a higher OOM score than its own, the container's init was OOM-killed in
// about 1 attempt in 15.
const oomAttempts = 8

func TestOOMKillSparesTheContainer(t *testing.T) {
	forEachRuntime(t, func(t *testing.T, e *env) {
		doc := busybox(t, func(c *schema.Container) { c.Memory = &schema.ContainerMemory{SizeInMB: 32} })
		sys := e.start("oom-spare-"+e.runtime, doc)
		for i := range oomAttempts {
			p := spawn(t, sys, sh(pipeHogScript))
			p.status(t)
			if st := properties(t, sys).State; st != schema.StateRunning {
				t.Fatalf("attempt %d: the system is %s after an OOM kill in it, want Running", i+1, st)
			}
		}
		if adj := mustRun(t, sys, "cat /proc/1/oom_score_adj /proc/self/oom_score_adj"); adj == "0\n0\n" {
			t.Errorf("oom_score_adj of the init and of a workload process: %q; nothing makes the OOM killer spare the init", adj)
		}
	})
}
