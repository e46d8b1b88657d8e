package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/linuxhcs/hcs/client"
	"github.com/linuxhcs/hcs/hresult"
	"github.com/linuxhcs/hcs/internal/testlayer"
	"github.com/linuxhcs/hcs/internal/testutil"
)

func TestHcsdRecoversAfterSIGKILL(t *testing.T) {
	testutil.RequireRoot(t)
	layer, err := testlayer.Busybox()
	if err != nil {
		t.Fatal(err)
	}
	d := newDaemonRun(t, buildBinaries(t), "runc")
	rw, rwHalf := filepath.Join(t.TempDir(), "rw"), filepath.Join(t.TempDir(), "rw2")
	var rid string
	t.Cleanup(func() { d.removeContainer(t, rid, rw); d.removeContainer(t, "", rwHalf) })
	d.start(t)
	c := d.dial(t)
	ctx, cancel := context.WithTimeout(context.Background(), e2eTimeout)
	defer cancel()
	sys := runBusybox(t, c, "killed", layer, rw)
	rid = d.runtimeID(t, "killed")
	// A process that is still running when hcsd dies, and exits while it is down.
	var p *client.Process
	info, _, err := client.DoProcess(ctx, func(op *client.Operation) (err error) {
		p, err = sys.CreateProcess(`{"CommandArgs":["/bin/sh","-c","read x; exit 9"],"CreateStdInPipe":true}`, op)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	pid := info.ProcessID
	doc := fmt.Sprintf(`{"Container":{"Storage":{"Layers":[{"Path":%q}],"Path":%q}}}`, layer, rwHalf)
	if _, err := client.Do(ctx, func(op *client.Operation) (err error) { _, err = c.CreateComputeSystem("half", doc, op); return err }); err != nil {
		t.Fatal(err)
	}

	d.Kill()
	io.WriteString(info.StdInput, "go\n") // the process exits while nobody listens
	info.StdInput.Close()
	_ = p
	time.Sleep(300 * time.Millisecond)
	// Make the second system's record say what it says while its creation is under way.
	rec := filepath.Join(d.StateDir, "systems", "half", "system.json")
	b, err := os.ReadFile(rec)
	if err != nil {
		t.Fatal(err)
	}
	os.WriteFile(rec, []byte(strings.Replace(string(b), `"Config"`, `"Creating":true,"Config"`, 1)), 0o600)

	d.start(t)
	c2 := d.dial(t)
	again, err := c2.OpenComputeSystem(t.Context(), "killed", client.GenericAll)
	if err != nil {
		t.Fatalf("the container is gone after hcsd was killed: %v", err)
	}
	defer again.Close()
	if _, err := client.Do(ctx, func(op *client.Operation) error { return again.GetProperties(op, `{"PropertyTypes":["Statistics"]}`) }); err != nil {
		t.Fatal(err)
	}
	gone, err := again.OpenProcess(t.Context(), pid, client.GenericAll)
	if err != nil {
		t.Fatalf("the process that exited while hcsd was down cannot be opened: %v", err)
	}
	defer gone.Close()
	st, err := gone.WaitForExit(ctx)
	if err != nil || !strings.Contains(st, `"ExitCode":9`) || !strings.Contains(st, `"LastWaitResult":0`) {
		t.Fatalf("exit reported after restart: %s, %v", st, err)
	}
	if _, err := c2.OpenComputeSystem(t.Context(), "half", client.GenericAll); !hresult.Is(err, hresult.HCS_E_SYSTEM_NOT_FOUND) {
		t.Fatalf("the half-created system was not rolled back: %v", err)
	}
	if mounted(rwHalf) {
		t.Fatalf("the half-created system's union is still mounted at %s", rwHalf)
	}
	useAgain(t, c2, "killed")
	d.stop(t)
}

func mounted(path string) bool {
	b, _ := os.ReadFile("/proc/self/mountinfo")
	for _, line := range strings.Split(string(b), "\n") {
		if f := strings.Fields(line); len(f) > 4 && f[4] == path {
			return true
		}
	}
	return false
}
