package vm

import (
	"syscall"
	"testing"
	"time"

	"github.com/linuxhcs/hcs/driver"
)

// TestGuestPowerOff: a guest that powers itself off is reported as such (the host makes
// that a graceful exit).
func TestGuestPowerOff(t *testing.T) {
	requireVM(t)
	v := createVM(t, newTestDriver(t), vmDoc(env.kernel, env.initrd))
	v.start()
	v.spawnBackground("sync; poweroff -f")
	if st := v.waitExit(); st.Cause != driver.ExitPoweredOff {
		t.Errorf("exit after the guest powered off: %+v, want cause PoweredOff", st)
	}
}

// TestQEMUDies: when QEMU dies the VM is reported stopped (unasked, which the host makes an
// unexpected exit), its processes are reported killed and the guest connection closed.
func TestQEMUDies(t *testing.T) {
	requireVM(t)
	v := createVM(t, newTestDriver(t), vmDoc(env.kernel, env.initrd))
	v.start()
	pid := v.spawnBackground("exec sleep 1000")
	if err := syscall.Kill(v.sys.qemuProc().pid, syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	if st := v.waitExit(); st.Cause != driver.ExitStopped {
		t.Errorf("exit after QEMU died: %+v, want cause Stopped", st)
	}
	if code, ok := v.rec.WaitProcessExited(pid, timeout); !ok || code != 137 {
		t.Errorf("the guest process's exit: %d, %v; want 137", code, ok)
	}
	for i := 0; i < 100 && v.rec.GuestConnectionClosedCount() == 0; i++ {
		time.Sleep(20 * time.Millisecond)
	}
	if n := v.rec.GuestConnectionClosedCount(); n != 1 {
		t.Errorf("GuestConnectionClosed reported %d times, want once", n)
	}
}
