package container_test

import (
	"fmt"
	"testing"
	"time"

	"github.com/linuxhcs/hcs/client"
	"github.com/linuxhcs/hcs/schema"
)

// pipeHogScript exceeds the memory limit the way the shell's command substitution does: the
// shell reads 100 MB from a pipeline into its heap while head and tr keep the pipe full.
// When the shell is killed the cgroup is still at its limit for a moment, and the next
// allocation in the container picks another victim.
const pipeHogScript = `x=$(head -c 100000000 /dev/zero | tr '\0' a); echo survived ${#x}`

// oomAttempts bounds how often the tests below provoke an OOM kill. The container's init
// was OOM-killed in about 1 attempt in 15 on the reference machine.
const oomAttempts = 60

func TestOOMKillSparesTheContainer(t *testing.T) {
	t.Skip("known bug: the OOM killer may pick the container's init (hcs-agent, oom_score_adj 0, in the container's memory cgroup), which ends the whole container")
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

func TestInitOOMKillReleasesTheWritableLayer(t *testing.T) {
	t.Skip("known bug: when the container's init is OOM-killed, the driver's release fails with EBUSY detaching the union and the overlay mount is left on the host for good")
	forEachRuntime(t, func(t *testing.T, e *env) {
		initDeaths := 0
		for i := range oomAttempts {
			doc := busybox(t, func(c *schema.Container) { c.Memory = &schema.ContainerMemory{SizeInMB: 32} })
			sys := e.start(fmt.Sprintf("oom-leak-%s-%d", e.runtime, i), doc)
			ev := watch(t, sys.SetCallback)
			spawn(t, sys, sh(pipeHogScript)).status(t)
			// An init killed along with the shell takes the system down within moments.
			var exit schema.SystemExitStatus
			select {
			case x := <-ev:
				decode(t, x.Data, &exit)
			case <-time.After(300 * time.Millisecond):
				mustDo(t, func(op *client.Operation) error { return sys.Terminate(op, "") })
				decode(t, ev.next(t, client.EventSystemExited).Data, &exit)
			}
			if exit.ExitType == schema.NotificationTypeUnexpectedExit {
				initDeaths++
			}
			if rw := doc.Container.Storage.Path; isMountPoint(rw) {
				t.Fatalf("attempt %d: the writable layer %s is still mounted after the system exited (%s)", i+1, rw, exit.ExitType)
			}
		}
		if initDeaths == 0 {
			t.Skipf("the init was not OOM-killed in %d attempts: nothing to check", oomAttempts)
		}
	})
}
