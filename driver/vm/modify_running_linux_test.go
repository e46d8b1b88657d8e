package vm

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/linuxhcs/hcs/hresult"
	"github.com/linuxhcs/hcs/internal/testutil"
	"github.com/linuxhcs/hcs/schema"
)

// memTotalKB returns the guest's MemTotal.
func (v *vm) memTotalKB() int {
	v.t.Helper()
	out, _ := v.sh(`awk '/MemTotal/ {print $2}' /proc/meminfo`)
	kb, err := strconv.Atoi(strings.TrimSpace(out))
	if err != nil {
		v.t.Fatalf("guest MemTotal %q", out)
	}
	return kb
}

// TestModifyRunningMemory: the memory of a running VM shrinks through its balloon (the
// guest's MemTotal drops by the difference) and grows back to the boot size, not beyond.
func TestModifyRunningMemory(t *testing.T) {
	requireVM(t)
	v := createVM(t, newTestDriver(t), vmDoc(env.kernel, env.initrd))
	v.start()
	size := func(mb int) *schema.ModifySettingRequest {
		return &schema.ModifySettingRequest{ResourcePath: memorySizePath, Settings: json.RawMessage(strconv.Itoa(mb))}
	}
	booted := v.memTotalKB()
	if err := v.modify(size(192)); err != nil {
		t.Fatalf("shrinking a running VM to 192 MB: %v", err)
	}
	if got := v.memTotalKB(); booted-got != 64<<10 {
		t.Errorf("guest MemTotal %d kB after shrinking by 64 MB, booted with %d kB", got, booted)
	}
	err := v.modify(size(512))
	if !hresult.Is(err, hresult.E_INVALIDARG) || !strings.Contains(err.Error(), "512 MB is more than the 256 MB VM "+v.id+" booted with") {
		t.Errorf("growing beyond the boot size: %v, want E_INVALIDARG", err)
	}
	if err := v.modify(size(256)); err != nil {
		t.Fatalf("growing back to 256 MB: %v", err)
	}
	if got := v.memTotalKB(); got != booted {
		t.Errorf("guest MemTotal %d kB after growing back, want the %d kB it booted with", got, booted)
	}
}

// TestModifyRunningPlan9Share: a 9p share added to a running VM appears in the guest as a
// share given at creation does, a virtio-9p device with the share's name as mount tag;
// the guest reads a file from it and cannot write to it (ReadOnly). Removing it unmounts
// it in the guest and unplugs the device; its slot then takes another, writable share.
func TestModifyRunningPlan9Share(t *testing.T) {
	requireVM(t)
	k, err := plan9Kernel()
	if err != nil {
		testutil.SkipOrFail(t, "no installed kernel has the 9p modules (scripts/setup.sh installs linux-image-amd64)")
	}
	share := sharedDir(t, "hello.txt", "hello from the host\n")
	doc := vmDoc(k[0], k[1])
	v := createVM(t, newTestDriver(t), doc)
	v.start()
	add := plan9Request(schema.ModifyRequestTypeAdd, schema.Plan9Share{Name: "hot", AccessName: "hot", Path: share, Port: 564, Flags: Plan9ReadOnly})
	for i := range Plan9HotplugSlots {
		if err := v.modify(add); err != nil {
			t.Fatalf("adding a share to a running VM: %v", err)
		}
		if i == 0 {
			wantErr(t, "adding the same tag twice", v.modify(add), hresult.ERROR_ALREADY_EXISTS, `already has a 9p share "hot"`)
		}
		add = plan9Request(schema.ModifyRequestTypeAdd, schema.Plan9Share{Name: "more" + strconv.Itoa(i), Path: share})
	}
	wantErr(t, "one share too many", v.modify(add), hresult.E_INVALIDARG, "4 9p shares added while it runs, the most it can have")
	out, code := v.sh(`i=0; until grep -qx hot /sys/bus/virtio/drivers/9pnet_virtio/*/mount_tag 2>/dev/null; do
		i=$((i+1)); [ $i -gt 100 ] && exit 1; sleep 0.1; done
		mkdir -p /mnt/hot && mount -t 9p -o trans=virtio,version=9p2000.L hot /mnt/hot &&
		cat /mnt/hot/hello.txt && if touch /mnt/hot/new 2>/dev/null; then echo writable; else echo read-only; fi`)
	if code != 0 || out != "hello from the host\nread-only\n" {
		t.Fatalf("guest over the hot-added share: %q (exit %d)", out, code)
	}
	v = v.restartService(t, doc) // the shares added before a restart can be removed after it
	remove := plan9Request(schema.ModifyRequestTypeRemove, schema.Plan9Share{AccessName: "hot", Port: 564})
	t0 := time.Now()
	if err := v.modify(remove); err != nil {
		t.Fatalf("removing the share: %v", err)
	}
	t.Logf("removing a mounted share took %v", time.Since(t0))
	if out, _ := v.sh(`grep -c " /mnt/hot " /proc/mounts; cat /mnt/hot/hello.txt 2>/dev/null; grep -x hot /sys/bus/virtio/drivers/9pnet_virtio/*/mount_tag`); out != "0\n" {
		t.Errorf("the guest after the share was removed: %q, want no mount, no file, no tag", out)
	}
	wantErr(t, "removing it again", v.modify(remove), hresult.ERROR_NOT_FOUND, `the VM has no 9p share "hot"`)
	if err := v.modify(plan9Request(schema.ModifyRequestTypeAdd, schema.Plan9Share{Name: "rw", Path: share})); err != nil {
		t.Fatalf("adding a share into the freed slot: %v", err)
	}
	out, code = v.sh(`i=0; until grep -qx rw /sys/bus/virtio/drivers/9pnet_virtio/*/mount_tag 2>/dev/null; do
		i=$((i+1)); [ $i -gt 100 ] && exit 1; sleep 0.1; done
		mkdir -p /mnt/rw && mount -t 9p -o trans=virtio,version=9p2000.L rw /mnt/rw && echo written > /mnt/rw/new && echo ok`)
	if b, err := os.ReadFile(filepath.Join(share, "new")); code != 0 || out != "ok\n" || string(b) != "written\n" {
		t.Errorf("writing through the share in the freed slot: %q (exit %d), host file %q (%v)", out, code, b, err)
	}
}

// restartService drops the VM as a crash of the service would and recovers it with a new
// driver.
func (v *vm) restartService(t *testing.T, doc *schema.ComputeSystem) *vm {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	defer cancel()
	v2, r := v.crashAndRecover(ctx, newTestDriver(t), doc)
	if _, err := r.Reattach(ctx); err != nil { // as the host does, in the background
		t.Fatalf("Reattach: %v", err)
	}
	return v2
}

// plan9Request is a Modify of the VM's 9p shares.
func plan9Request(rt schema.ModifyRequestType, s schema.Plan9Share) *schema.ModifySettingRequest {
	b, _ := json.Marshal(s)
	return &schema.ModifySettingRequest{ResourcePath: plan9SharesPath, RequestType: rt, Settings: b}
}

// sharedDir makes a directory holding one file, which every VM may read and write.
func sharedDir(t *testing.T, name, content string) string {
	t.Helper()
	dir, err := os.MkdirTemp(env.dir, "share-")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(dir) })
	os.Chmod(dir, 0o777)
	if err := os.WriteFile(filepath.Join(dir, name), []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
	return dir
}
