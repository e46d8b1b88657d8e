package container_test

import (
	"path/filepath"
	"strings"
	"testing"

	"github.com/linuxhcs/hcs/client"
	"github.com/linuxhcs/hcs/hresult"
	"github.com/linuxhcs/hcs/schema"
)

// TestStartWithTooLittleMemoryFails gives a container too little memory for its agent to
// start: Start answers (rather than hanging) with HCS_E_TERMINATED_DURING_START naming the
// OOM kill (crun), or with the runtime's refusal of the limit (runc); the system is stopped,
// and nothing of it is left on the host.
func TestStartWithTooLittleMemoryFails(t *testing.T) {
	forEachRuntime(t, func(t *testing.T, e *env) {
		id := "starved-" + e.runtime
		doc := busybox(t, func(c *schema.Container) { c.Memory = &schema.ContainerMemory{SizeInMB: 1} })
		rw := doc.Container.Storage.Path
		sys := e.create(id, doc)
		rid := e.runtimeID(id)
		_, err := client.Do(timeout(t), func(op *client.Operation) error { return sys.Start(op, "") })
		switch {
		case err == nil:
			t.Fatal("Start succeeded with 1 MB of memory")
		case hresult.Is(err, hresult.HCS_E_TERMINATED_DURING_START):
			if !strings.Contains(err.Error(), "OOM") {
				t.Errorf("Start: %v; want the OOM kill named", err)
			}
		case !strings.Contains(err.Error(), "memory limit"):
			// runc refuses the limit itself, before the agent runs, and says so.
			t.Errorf("Start: %v; want the init's OOM kill or the runtime's refusal of the memory limit", err)
		}
		if st := properties(t, sys).State; st != schema.StateStopped {
			t.Errorf("State %q after the failed start", st)
		}
		if isMountPoint(rw) {
			t.Errorf("the writable layer %s is still mounted", rw)
		}
		if ids, err := runtimeList(e.runtime, e.runtimeRoot); err != nil || len(ids) > 0 {
			t.Errorf("%s --root %s list: %v %v, want no containers", e.runtime, e.runtimeRoot, ids, err)
		}
		if dirs := containerCgroups(rid); len(dirs) > 0 {
			t.Errorf("cgroups left: %v", dirs)
		}
		if socks, _ := filepath.Glob(filepath.Join(e.socketDir, "*")); len(socks) > 0 {
			t.Errorf("agent sockets left: %v", socks)
		}
	})
}
