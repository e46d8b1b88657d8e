package vm

import (
	"strings"
	"testing"
	"time"

	"github.com/linuxhcs/hcs/driver"
	"github.com/linuxhcs/hcs/schema"
)

// TestBootUname boots a VM from a JSON document and runs uname -a in it.
func TestBootUname(t *testing.T) {
	requireVM(t)
	d := newTestDriver(t)
	doc := `{"SchemaVersion":{"Major":2,"Minor":1},"VirtualMachine":{
		"Chipset":{"LinuxKernelDirect":{"KernelFilePath":"` + env.kernel + `","InitRdPath":"` + env.initrd + `",
			"KernelCmdLine":"console=ttyS0 quiet"}},
		"ComputeTopology":{"Memory":{"SizeInMB":256},"Processor":{"Count":1}},
		"GuestConnection":{}}}`
	var cs schema.ComputeSystem
	if err := schema.Decode(doc, &cs); err != nil {
		t.Fatal(err)
	}
	v := createVM(t, d, &cs)
	took := v.start()
	t.Logf("%s: boot to agent in %v", d.Accel(), took)
	out, code := v.sh("uname -a")
	if code != 0 || !strings.Contains(out, "Linux") {
		t.Fatalf("uname -a = %q, exit %d", out, code)
	}
	t.Logf("guest: %s", strings.TrimSpace(out))
	t0 := time.Now()
	v.must("Terminate", v.sys.Terminate)
	st := v.waitExit()
	t.Logf("terminate took %v", time.Since(t0))
	if st.Cause != driver.ExitStopped {
		t.Errorf("exit %+v, want cause Stopped", st)
	}
	for i := 0; i < 100 && v.rec.GuestConnectionClosedCount() == 0; i++ {
		time.Sleep(20 * time.Millisecond)
	}
	if n := v.rec.GuestConnectionClosedCount(); n != 1 {
		t.Errorf("GuestConnectionClosed reported %d times, want once", n)
	}
}
