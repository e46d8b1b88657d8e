package vm

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/linuxhcs/hcs/driver"
	"github.com/linuxhcs/hcs/hresult"
	"github.com/linuxhcs/hcs/schema"
)

// diskMagic starts the test disk.
const diskMagic = "HCS-TEST-DISK-42"

// makeDisk writes a 1 MiB raw disk that only root may open (0600).
func makeDisk(t *testing.T) string {
	t.Helper()
	dir, err := os.MkdirTemp(env.dir, "disk-")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(dir) })
	os.Chmod(dir, 0o755)
	path := filepath.Join(dir, "data.img")
	b := make([]byte, 1<<20)
	copy(b, diskMagic)
	if err := os.WriteFile(path, b, 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

// attach returns a modify request for the attachment at LUN 1 of controller "0".
func attach(rt schema.ModifyRequestType, path string) *schema.ModifySettingRequest {
	req := &schema.ModifySettingRequest{ResourcePath: "VirtualMachine/Devices/Scsi/0/Attachments/1", RequestType: rt}
	if path != "" {
		req.Settings, _ = json.Marshal(schema.Attachment{Type: schema.AttachmentTypeVirtualDisk, Path: path})
	}
	return req
}

// TestHotAddDiskNeedsGrant: QEMU, running as the VM's uid, cannot open a disk that was not
// granted to the VM; after GrantVmAccess the disk hot-adds and the guest reads it; after
// removal and RevokeVmAccess it cannot be added again.
func TestHotAddDiskNeedsGrant(t *testing.T) {
	requireVM(t)
	doc := vmDoc(env.kernel, env.initrd)
	doc.VirtualMachine.Devices = &schema.Devices{Scsi: map[string]schema.Scsi{"0": {}}}
	v := createVM(t, newTestDriver(t), doc)
	v.start()
	disk := makeDisk(t)
	modify := func(req *schema.ModifySettingRequest) error {
		ctx, cancel := context.WithTimeout(context.Background(), timeout)
		defer cancel()
		return v.sys.Modify(ctx, req)
	}
	if err := modify(attach(schema.ModifyRequestTypeAdd, disk)); err == nil || !strings.Contains(err.Error(), "ermission denied") {
		t.Fatalf("hot-adding an ungranted disk: %v, want permission denied", err)
	}
	if err := GrantVmAccess(v.id, disk); err != nil {
		t.Fatal(err)
	}
	if acl := getfacl(t, disk); !strings.Contains(acl, fmt.Sprintf("user:%d:rw-", VMUID(v.id))) {
		t.Errorf("getfacl after the grant:\n%s", acl)
	}
	if err := modify(attach(schema.ModifyRequestTypeAdd, disk)); err != nil {
		t.Fatalf("hot-adding the granted disk: %v", err)
	}
	out, code := v.sh(`i=0; while [ $i -lt 100 ]; do for b in /sys/bus/scsi/devices/*:0:0:1/block/*; do
		[ -e "$b" ] && head -c 16 /dev/${b##*/} && exit 0; done; sleep 0.1; i=$((i+1)); done; exit 1`)
	if code != 0 || out != diskMagic {
		t.Fatalf("the guest read %q from the hot-added disk (exit %d), want %q", out, code, diskMagic)
	}
	if err := modify(attach(schema.ModifyRequestTypeRemove, "")); err != nil {
		t.Fatalf("removing the disk: %v", err)
	}
	if err := RevokeVmAccess(v.id, disk); err != nil {
		t.Fatal(err)
	}
	if err := modify(attach(schema.ModifyRequestTypeAdd, disk)); err == nil {
		t.Error("a revoked disk was hot-added")
	}
	err := modify(&schema.ModifySettingRequest{ResourcePath: "VirtualMachine/Devices/Plan9/Shares", RequestType: schema.ModifyRequestTypeAdd})
	if !hresult.Is(err, hresult.ERROR_NOT_SUPPORTED) {
		t.Errorf("adding a 9p share at run time: %v, want ERROR_NOT_SUPPORTED", err)
	}
}

// TestCrashReport: a crash gives an initiated and a completed report whose log holds the
// guest kernel's panic, then an UnexpectedExit.
func TestCrashReport(t *testing.T) {
	requireVM(t)
	v := createVM(t, newTestDriver(t), vmDoc(env.kernel, env.initrd))
	v.start()
	v.must("Crash", func(ctx context.Context) error {
		return v.sys.Crash(ctx, &schema.CrashOptions{Type: schema.CrashTypeCrashGuest})
	})
	if st := v.waitExit(); st.Cause != driver.ExitCrashed || len(st.Attribution) == 0 || st.Attribution[0].GuestCrash == nil {
		t.Errorf("exit %+v, want cause Crashed attributed to a guest crash", st)
	}
	crashes := v.rec.Crashes()
	if len(crashes) != 2 || crashes[0].Completed || !crashes[1].Completed {
		t.Fatalf("crash events %+v: want initiated, then completed", crashes)
	}
	t.Logf("crash log: %s", crashes[1].Report.CrashLog)
	if r := crashes[1].Report; r.SystemId != v.id || !strings.Contains(r.CrashLog, "Kernel panic") {
		t.Errorf("crash report %+v: want the system id and the guest's panic message", r)
	}
}
