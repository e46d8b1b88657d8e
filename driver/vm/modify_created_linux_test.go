package vm

import (
	"context"
	"encoding/json"
	"strconv"
	"strings"
	"testing"

	"github.com/linuxhcs/hcs/driver"
	"github.com/linuxhcs/hcs/driver/drivertest"
	"github.com/linuxhcs/hcs/hresult"
	"github.com/linuxhcs/hcs/schema"
)

// modify applies req to the VM within the test timeout.
func (v *vm) modify(req *schema.ModifySettingRequest) error {
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	defer cancel()
	return v.sys.Modify(ctx, req)
}

// TestModifyBeforeStart: a disk attached and the memory changed between Create and Start
// are the VM's when it boots; a disk attached and detached again before Start is not. The
// changed configuration is persisted for a service restart before Start.
func TestModifyBeforeStart(t *testing.T) {
	requireVM(t)
	doc := vmDoc(env.kernel, env.initrd)
	doc.VirtualMachine.Devices = &schema.Devices{Scsi: map[string]schema.Scsi{"0": {}}}
	v := createVM(t, newTestDriver(t), doc)
	disk, dropped := makeDisk(t), makeDisk(t)
	for _, d := range []string{disk, dropped} {
		if err := GrantVmAccess(v.id, d); err != nil {
			t.Fatal(err)
		}
	}
	lun2 := attach(schema.ModifyRequestTypeAdd, dropped)
	lun2.ResourcePath = "VirtualMachine/Devices/Scsi/0/Attachments/2"
	memory := &schema.ModifySettingRequest{ResourcePath: memorySizePath, RequestType: schema.ModifyRequestTypeUpdate, Settings: json.RawMessage("384")}
	for _, req := range []*schema.ModifySettingRequest{attach(schema.ModifyRequestTypeAdd, disk), lun2, memory} {
		if err := v.modify(req); err != nil {
			t.Fatalf("%s %s before start: %v", req.RequestType, req.ResourcePath, err)
		}
	}
	if err := v.modify(attach(schema.ModifyRequestTypeAdd, disk)); !hresult.Is(err, hresult.E_INVALIDARG) || !strings.Contains(err.Error(), "LUN 1 of SCSI controller \"0\" is already attached") {
		t.Fatalf("attaching LUN 1 twice: %v, want E_INVALIDARG", err)
	}
	lun2.RequestType, lun2.Settings = schema.ModifyRequestTypeRemove, nil
	if err := v.modify(lun2); err != nil {
		t.Fatalf("detaching LUN 2 before start: %v", err)
	}
	if p, _, err := readState(v.stateDir); err != nil || p.Config == nil || len(p.Config.Devices.Scsi["0"].Attachments) != 1 {
		t.Fatalf("persisted state %+v (%v): want the changed configuration with one attachment", p, err)
	}
	v.start()
	out, code := v.sh(`i=0; while [ $i -lt 100 ]; do for b in /sys/bus/scsi/devices/*:0:0:1/block/*; do
		[ -e "$b" ] && head -c 16 /dev/${b##*/} && exit 0; done; sleep 0.1; i=$((i+1)); done; exit 1`)
	if code != 0 || out != diskMagic {
		t.Fatalf("the guest read %q from the disk attached before start (exit %d), want %q", out, code, diskMagic)
	}
	if out, _ := v.sh(`ls -d /sys/bus/scsi/devices/*:0:0:2 2>/dev/null || true`); out != "" {
		t.Errorf("the disk detached before start is in the guest: %q", out)
	}
	out, _ = v.sh(`awk '/MemTotal/ {print $2}' /proc/meminfo`)
	kb, err := strconv.Atoi(strings.TrimSpace(out))
	if err != nil || kb <= 256<<10 || kb > 384<<10 {
		t.Errorf("guest MemTotal %q kB, want more than 256 MB and at most 384 MB (the size set before start)", out)
	}
}

// TestModifyBeforeStartPlan9Shares: a 9p share added before start is on QEMU's command line;
// one removed again (by AccessName, as hcsshim does) is not, and removing an unknown share
// is ERROR_NOT_FOUND. Nothing is booted.
func TestModifyBeforeStartPlan9Shares(t *testing.T) {
	requireVM(t)
	v := createVM(t, newTestDriver(t), vmDoc(env.kernel, env.initrd))
	keep, drop := t.TempDir(), t.TempDir()
	share := func(rt schema.ModifyRequestType, s schema.Plan9Share) *schema.ModifySettingRequest {
		b, _ := json.Marshal(s)
		return &schema.ModifySettingRequest{ResourcePath: plan9SharesPath, RequestType: rt, Settings: b}
	}
	for _, req := range []*schema.ModifySettingRequest{
		share(schema.ModifyRequestTypeAdd, schema.Plan9Share{Name: "keep", AccessName: "keep", Path: keep, Port: 564}),
		share(schema.ModifyRequestTypeAdd, schema.Plan9Share{Name: "drop", AccessName: "drop", Path: drop, Port: 564}),
		share(schema.ModifyRequestTypeRemove, schema.Plan9Share{AccessName: "drop", Port: 564}),
	} {
		if err := v.modify(req); err != nil {
			t.Fatalf("%s of a 9p share before start: %v", req.RequestType, err)
		}
	}
	err := v.modify(share(schema.ModifyRequestTypeRemove, schema.Plan9Share{AccessName: "nobody"}))
	if !hresult.Is(err, hresult.ERROR_NOT_FOUND) || !strings.Contains(err.Error(), `no 9p share "nobody"`) {
		t.Fatalf("removing an unknown share: %v, want ERROR_NOT_FOUND", err)
	}
	args := strings.Join(v.sys.cmd.Args, " ")
	if !strings.Contains(args, keep) || strings.Contains(args, drop) {
		t.Fatalf("QEMU command line %q: want the share %s and not %s", args, keep, drop)
	}
}

// TestModifyBeforeStartSurvivesRecovery: a VM changed before Start and recovered after a
// service restart (from the document it was created with) keeps the change.
func TestModifyBeforeStartSurvivesRecovery(t *testing.T) {
	requireVM(t)
	d := newTestDriver(t)
	doc := vmDoc(env.kernel, env.initrd)
	v := createVM(t, d, doc)
	dir := t.TempDir()
	b, _ := json.Marshal(schema.Plan9Share{Name: "late", AccessName: "late", Path: dir, Port: 564})
	if err := v.modify(&schema.ModifySettingRequest{ResourcePath: plan9SharesPath, RequestType: schema.ModifyRequestTypeAdd, Settings: b}); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	defer cancel()
	r, err := d.Recover(ctx, driver.CreateRequest{ID: v.id, Config: doc, StateDir: v.stateDir, Notify: drivertest.NewRecorder()})
	if err != nil {
		t.Fatalf("Recover: %v", err)
	}
	got := r.System.(*System)
	if r.Started || !strings.Contains(strings.Join(got.cmd.Args, " "), dir) {
		t.Fatalf("recovered VM (started %v) with QEMU command line %q: want it created, with the share %s", r.Started, got.cmd.Args, dir)
	}
}
