package vm

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/linuxhcs/hcs/driver"
	"github.com/linuxhcs/hcs/driver/drivertest"
	"github.com/linuxhcs/hcs/hresult"
	"github.com/linuxhcs/hcs/schema"
)

// createErr creates a VM that must fail and returns the error.
func createErr(t *testing.T, d *Driver, id string, doc *schema.ComputeSystem) error {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	defer cancel()
	sys, err := d.Create(ctx, driver.CreateRequest{ID: id, Config: doc, StateDir: t.TempDir(), Notify: drivertest.NewRecorder()})
	if err == nil {
		sys.Close(ctx)
		t.Fatalf("Create of VM %s succeeded", id)
	}
	return err
}

// wantErr checks an error's code and that its message contains each of parts.
func wantErr(t *testing.T, what string, err error, code hresult.HRESULT, parts ...string) {
	t.Helper()
	if !hresult.Is(err, code) {
		t.Errorf("%s: %v, want %v", what, err, code)
		return
	}
	for _, p := range parts {
		if !strings.Contains(err.Error(), p) {
			t.Errorf("%s: %v, want it to say %q", what, err, p)
		}
	}
}

// TestBootFilesCheckedAtCreate: a kernel, initrd, variable store or disk the document
// names that is missing, or that the VM was not granted, fails Create with the file and
// its document path. Nothing is booted.
func TestBootFilesCheckedAtCreate(t *testing.T) {
	requireVM(t)
	d := newTestDriver(t)
	missing := filepath.Join(env.dir, "no-such-file")
	doc := vmDoc(missing, env.initrd)
	wantErr(t, "missing kernel", createErr(t, d, "vmtest-nokernel", doc), hresult.ERROR_NOT_FOUND,
		"$.VirtualMachine.Chipset.LinuxKernelDirect.KernelFilePath: "+missing+" does not exist")

	doc = vmDoc(env.kernel, env.initrd)
	doc.VirtualMachine.Devices = &schema.Devices{Scsi: map[string]schema.Scsi{"0": {Attachments: map[string]schema.Attachment{
		"1": {Type: schema.AttachmentTypeVirtualDisk, Path: missing + ".vhdx"}}}}}
	wantErr(t, "missing disk", createErr(t, d, "vmtest-nodisk", doc), hresult.ERROR_NOT_FOUND,
		`VirtualMachine.Devices.Scsi["0"].Attachments["1"].Path: `+missing+".vhdx does not exist")

	doc = vmDoc(env.kernel, env.initrd)
	doc.VirtualMachine.GuestState = &schema.GuestState{GuestStateFilePath: missing + ".vmgs"}
	doc.VirtualMachine.Chipset = &schema.Chipset{Uefi: &schema.Uefi{}}
	if d.fw.Code != "" {
		wantErr(t, "missing variable store", createErr(t, d, "vmtest-novars", doc), hresult.ERROR_NOT_FOUND,
			"$.VirtualMachine.GuestState.GuestStateFilePath: "+missing+".vmgs does not exist")
	}

	private := privateCopy(t, env.initrd)
	const id = "vmtest-notgranted"
	wantErr(t, "initrd not granted", createErr(t, d, id, vmDoc(env.kernel, private)), hresult.E_ACCESSDENIED,
		"$.VirtualMachine.Chipset.LinuxKernelDirect.InitRdPath: VM "+id+" may not read "+private+"; give it access with HcsGrantVmAccess")

	disk := makeDisk(t)
	GrantVmGroupAccess(disk) // read only: not enough for a writable attachment
	doc = vmDoc(env.kernel, env.initrd)
	doc.VirtualMachine.Devices = &schema.Devices{Scsi: map[string]schema.Scsi{"0": {Attachments: map[string]schema.Attachment{
		"1": {Type: schema.AttachmentTypeVirtualDisk, Path: disk}}}}}
	wantErr(t, "disk readable only", createErr(t, d, id, doc), hresult.E_ACCESSDENIED,
		`VirtualMachine.Devices.Scsi["0"].Attachments["1"].Path: VM `+id+" may not read and write "+disk)
}

// privateCopy copies file (mode 0600) into a new directory of mode 0700, which no VM's uid
// may search.
func privateCopy(t *testing.T, file string) string {
	t.Helper()
	dir, err := os.MkdirTemp(env.dir, "private-")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(dir) })
	os.Chmod(dir, 0o700)
	b, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(dir, filepath.Base(file))
	if err := os.WriteFile(out, b, 0o600); err != nil {
		t.Fatal(err)
	}
	return out
}

// TestGrantedFileInPrivateDirectory: a VM boots from an initrd it was granted although the
// directory holding it is private (0700), as on Windows, where traversal is not checked.
func TestGrantedFileInPrivateDirectory(t *testing.T) {
	requireVM(t)
	private := privateCopy(t, env.initrd)
	const id = "vmtest-private-initrd"
	if err := GrantVmAccess(id, private); err != nil {
		t.Fatal(err)
	}
	v := createNamedVM(t, newTestDriver(t), vmDoc(env.kernel, private), id)
	v.start()
	if out, code := v.sh("echo up"); code != 0 || out != "up\n" {
		t.Errorf("guest booted from a granted initrd in a private directory: %q (exit %d)", out, code)
	}
}
