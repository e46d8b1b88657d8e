package main

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"syscall"
	"testing"

	"github.com/linuxhcs/hcs/client"
	"github.com/linuxhcs/hcs/hresult"
)

// TestHcsdReleasesAContainerWhoseInitDiedWhileDown kills hcsd, then the container's init
// (its agent), and restarts hcsd: the system ended while nobody watched, so the service
// forgets it and releases everything it held on the host.
func TestHcsdReleasesAContainerWhoseInitDiedWhileDown(t *testing.T) {
	withEachRuntime(t, agentDiesWhileDown)
}

func agentDiesWhileDown(t *testing.T, d *daemonRun, layer string) {
	id, rw := "agent-dies", filepath.Join(t.TempDir(), "rw")
	var rid string // the runtime's name for the container, once it exists
	t.Cleanup(func() {
		if rid != "" {
			d.removeContainer(t, rid, rw)
		}
	})
	d.start(t)
	sys := runBusybox(t, d.dial(t), id, layer, rw)
	rid = d.runtimeID(t, id)
	ctx, cancel := context.WithTimeout(context.Background(), e2eTimeout)
	defer cancel()
	// A process that outlives its agent for a moment: the pid namespace's last processes
	// may still be exiting when the service restarts.
	if _, _, err := client.DoProcess(ctx, func(op *client.Operation) (err error) {
		_, err = sys.CreateProcess(`{"CommandArgs":["/bin/sh","-c","trap '' TERM; sleep 1000 & sleep 1000"]}`, op)
		return err
	}); err != nil {
		t.Fatal(err)
	}
	if held := d.heldBy(rid, rw); len(held) != 4 {
		t.Fatalf("a running container holds %v, want its mount, cgroup, runtime entry and socket", held)
	}
	d.Kill()
	pid := d.awaitRunning(t, rid)
	syscall.Kill(pid, syscall.SIGKILL)

	d.start(t)
	if _, err := d.dial(t).OpenComputeSystem(t.Context(), id, client.GenericAll); !hresult.Is(err, hresult.HCS_E_SYSTEM_NOT_FOUND) {
		t.Errorf("a system that ended while hcsd was down opens: %v", err)
	}
	if held := d.heldBy(rid, rw); len(held) > 0 {
		t.Errorf("after the restart the ended container still holds %v", held)
	}
	d.stop(t)
}

// heldBy lists what the container the runtime knows as rid holds on the host: the union
// mounted at rw, its cgroups, its runtime entry and its agent's socket.
func (d *daemonRun) heldBy(rid, rw string) []string {
	var held []string
	if mounted(rw) {
		held = append(held, "mount "+rw)
	}
	cgroups, _ := filepath.Glob(filepath.Join("/sys/fs/cgroup/*", d.Cgroup, rid))
	if unified := filepath.Join("/sys/fs/cgroup", d.Cgroup, rid); exists(unified) {
		cgroups = append(cgroups, unified)
	}
	if len(cgroups) > 0 {
		held = append(held, "cgroup "+cgroups[0])
	}
	if exec.Command(d.runtime, "--root", d.stateRoot(), "state", rid).Run() == nil {
		held = append(held, "runtime entry "+rid)
	}
	if sock := filepath.Join(d.AgentDir, rid+".sock"); exists(sock) {
		held = append(held, "socket "+sock)
	}
	return held
}

func exists(path string) bool {
	_, err := os.Stat(path)
	return err == nil
}
