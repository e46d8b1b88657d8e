package vm

import (
	"context"
	"path/filepath"
	"testing"
	"time"

	"github.com/linuxhcs/hcs/schema"
)

// BenchmarkBootToAgent measures Start of a VM with a GuestConnection: QEMU's start, the
// guest kernel's boot and the agent's handshake.
func BenchmarkBootToAgent(b *testing.B) {
	requireVM(b)
	d := newTestDriver(b)
	b.ReportMetric(0, "ns/op")
	var total time.Duration
	for range b.N {
		v := createVM(b, d, vmDoc(env.kernel, env.initrd))
		total += v.start()
		v.must("Terminate", v.sys.Terminate)
	}
	b.ReportMetric(float64(total.Milliseconds())/float64(b.N), "ms/boot")
}

// BenchmarkSaveRestore measures saving a paused 256 MB guest to a file and restoring it
// into a new system up to its agent.
func BenchmarkSaveRestore(b *testing.B) {
	requireVM(b)
	d := newTestDriver(b)
	var save, restore time.Duration
	for range b.N {
		v := createVM(b, d, vmDoc(env.kernel, env.initrd))
		v.start()
		state := filepath.Join(b.TempDir(), "saved.vmrs")
		v.must("Pause", func(ctx context.Context) error { return v.sys.Pause(ctx, nil) })
		t0 := time.Now()
		v.must("Save", func(ctx context.Context) error {
			return v.sys.Save(ctx, &schema.SaveOptions{SaveStateFilePath: state})
		})
		save += time.Since(t0)
		doc := vmDoc(env.kernel, env.initrd)
		doc.VirtualMachine.RestoreState = &schema.RestoreState{SaveStateFilePath: state}
		v2 := createVM(b, d, doc)
		restore += v2.start()
		v2.must("Terminate", v2.sys.Terminate)
	}
	b.ReportMetric(0, "ns/op")
	b.ReportMetric(float64(save.Milliseconds())/float64(b.N), "ms/save")
	b.ReportMetric(float64(restore.Milliseconds())/float64(b.N), "ms/restore")
}
