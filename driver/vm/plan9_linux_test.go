package vm

import (
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/linuxhcs/hcs/internal/testutil"
	"github.com/linuxhcs/hcs/schema"
)

// plan9Kernel finds an installed kernel with the 9p modules (Debian's cloud kernel has
// none; linux-image-amd64 has them) and builds its initrd once.
var plan9Kernel = sync.OnceValues(func() ([2]string, error) {
	kernels, _ := filepath.Glob("/boot/vmlinuz-*")
	for _, k := range kernels {
		version := strings.TrimPrefix(filepath.Base(k), "vmlinuz-")
		dep, err := os.ReadFile(filepath.Join("/lib/modules", version, "modules.dep"))
		if err != nil || !strings.Contains(string(dep), "/9pnet_virtio.ko") {
			continue
		}
		initrd, err := buildInitrd(k)
		return [2]string{k, initrd}, err
	}
	return [2]string{}, os.ErrNotExist
})

// TestPlan9Share shares a host folder read-only over virtio-9p; the guest reads a file
// from it and cannot write to it.
func TestPlan9Share(t *testing.T) {
	requireVM(t)
	k, err := plan9Kernel()
	if err != nil {
		const why = "no installed kernel has the 9p modules (scripts/setup.sh installs linux-image-amd64, which has them)"
		testutil.SkipOrFail(t, why)
	}
	share, err := os.MkdirTemp(env.dir, "share-")
	if err != nil {
		t.Fatal(err)
	}
	defer os.RemoveAll(share)
	os.Chmod(share, 0o755)
	if err := os.WriteFile(filepath.Join(share, "hello.txt"), []byte("hello from the host\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	doc := vmDoc(k[0], k[1])
	doc.VirtualMachine.Devices = &schema.Devices{Plan9: &schema.Plan9{Shares: []schema.Plan9Share{
		{Name: "hostshare", Path: share, Flags: Plan9ReadOnly},
	}}}
	v := createVM(t, newTestDriver(t), doc)
	t.Logf("boot of %s to agent: %v", filepath.Base(k[0]), v.start())
	out, code := v.sh(`mkdir -p /mnt/share && mount -t 9p -o trans=virtio,version=9p2000.L hostshare /mnt/share &&
		cat /mnt/share/hello.txt && if touch /mnt/share/new 2>/dev/null; then echo writable; else echo read-only; fi`)
	if code != 0 || out != "hello from the host\nread-only\n" {
		t.Errorf("guest over 9p: %q (exit %d)", out, code)
	}
	if _, err := os.Stat(filepath.Join(share, "new")); err == nil {
		t.Error("the guest wrote into a read-only share")
	}
}
