package vm

import (
	"os/exec"
	"strconv"
	"strings"
	"syscall"
	"testing"

	"github.com/linuxhcs/hcs/hresult"
	"github.com/linuxhcs/hcs/internal/testutil"
)

// collidingIDs finds two VM ids with one VMUID: the uid space is 24 bits, so a few thousand
// ids hold a pair.
func collidingIDs(t *testing.T) (string, string) {
	seen := map[uint32]string{}
	for i := range 1 << 20 {
		id := "vm-" + strconv.Itoa(i)
		if other, ok := seen[VMUID(id)]; ok {
			return other, id
		}
		seen[VMUID(id)] = id
	}
	t.Fatal("no two ids share a VMUID")
	return "", ""
}

func TestTwoVMsNeverRunAsOneUID(t *testing.T) {
	testutil.RequireRoot(t) // runs a process as the VMs' uid
	a, b := collidingIDs(t)
	uid := VMUID(a)
	var c uidClaims
	release, err := c.claim(uid, a)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.claim(uid, b); !hresult.Is(err, hresult.HCS_E_SYSTEM_ALREADY_EXISTS) || !strings.Contains(err.Error(), "VM "+a+" is starting") {
		t.Fatalf("%s while %s starts as the same uid: %v, want HCS_E_SYSTEM_ALREADY_EXISTS naming %s", b, a, err, a)
	}
	release()

	qemu := exec.Command("sleep", "100") // stands for a's QEMU, running as its uid
	qemu.SysProcAttr = &syscall.SysProcAttr{Credential: &syscall.Credential{Uid: uid, Gid: uid}}
	if err := qemu.Start(); err != nil {
		t.Fatal(err)
	}
	defer func() { qemu.Process.Kill(); qemu.Wait() }()
	if _, err := c.claim(uid, b); !hresult.Is(err, hresult.HCS_E_SYSTEM_ALREADY_EXISTS) || !strings.Contains(err.Error(), strconv.Itoa(qemu.Process.Pid)) {
		t.Fatalf("%s while a process runs as its uid: %v, want HCS_E_SYSTEM_ALREADY_EXISTS naming pid %d", b, err, qemu.Process.Pid)
	}
	qemu.Process.Kill()
	qemu.Wait()
	release, err = c.claim(uid, b)
	if err != nil {
		t.Fatalf("%s once the uid is free: %v", b, err)
	}
	release()
}
