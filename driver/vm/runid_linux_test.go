package vm

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/linuxhcs/hcs/driver"
	"github.com/linuxhcs/hcs/driver/drivertest"
	"github.com/linuxhcs/hcs/hresult"
)

// TestCollidingIDsGetTheirOwnRunDirectories creates two VMs whose ids once named one run
// directory (a long id was hashed to "h-" and 24 hex digits; an id of that form was used as
// is): each gets its own, both run at once, and closing the second leaves the first running.
func TestCollidingIDsGetTheirOwnRunDirectories(t *testing.T) {
	requireVM(t)
	d := newTestDriver(t)
	doc := vmDoc(env.kernel, env.initrd)
	long := strings.Repeat("a-long-vm-id-", 5)
	sum := sha256.Sum256([]byte(long))
	first := createNamedVM(t, d, doc, long)
	second := createNamedVM(t, d, doc, "h-"+hex.EncodeToString(sum[:12]))
	if first.sys.run == second.sys.run {
		t.Fatalf("both VMs use the run directory %s", first.sys.run)
	}
	first.start()
	second.start()
	for _, v := range []*vm{first, second} {
		if out, code := v.sh("echo alive"); code != 0 || !strings.Contains(out, "alive") {
			t.Fatalf("%s: %q, exit %d", v.id, out, code)
		}
	}
	second.must("Terminate", second.sys.Terminate)
	second.waitExit()
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	defer cancel()
	if err := second.sys.Close(ctx); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(first.sys.agentPath()); err != nil {
		t.Fatalf("the first VM's agent socket after the second closed: %v", err)
	}
	if out, code := first.sh("echo alive"); code != 0 || !strings.Contains(out, "alive") {
		t.Fatalf("%s after the other VM closed: %q, exit %d", first.id, out, code)
	}
	if exits := first.rec.Exits(); len(exits) != 0 {
		t.Fatalf("%s exited when the other VM closed: %v", first.id, exits)
	}
	if p, _, err := readState(first.stateDir); err != nil || p.RunID != filepath.Base(first.sys.run) {
		t.Fatalf("vm.json records run directory %q (%v), want %s", p.RunID, err, filepath.Base(first.sys.run))
	}
}

// TestTakenRunDirectoryIsRefused: a VM whose run directory exists already is refused with
// HCS_E_SYSTEM_ALREADY_EXISTS, and what is there is left alone.
func TestTakenRunDirectoryIsRefused(t *testing.T) {
	requireVM(t)
	d := newTestDriver(t)
	taken := filepath.Join(env.runDir, "h-taken")
	if err := os.MkdirAll(filepath.Join(taken, "kept"), 0o700); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(taken) })
	req := driver.CreateRequest{ID: "taken", Config: vmDoc(env.kernel, env.initrd), StateDir: t.TempDir(), Notify: drivertest.NewRecorder()}
	s := newSystem(d, req, "h-taken")
	if err := s.prepare(); !hresult.Is(err, hresult.HCS_E_SYSTEM_ALREADY_EXISTS) {
		t.Fatalf("prepare in a taken run directory: %v, want HCS_E_SYSTEM_ALREADY_EXISTS", err)
	}
	s.release()
	if _, err := os.Stat(filepath.Join(taken, "kept")); err != nil {
		t.Fatalf("the taken run directory after the refusal: %v", err)
	}
}
