package host_test

import (
	"strings"
	"testing"
	"time"

	"github.com/linuxhcs/hcs/client"
	"github.com/linuxhcs/hcs/driver/fakedriver"
	"github.com/linuxhcs/hcs/host"
	"github.com/linuxhcs/hcs/hresult"
)

// A system asked to be hosted in another must name a running VM with a guest connection;
// one that does gets the refusal of hosted systems, never a container on the host.
func TestHostingSystemIsChecked(t *testing.T) {
	f := newFixture(t)
	c := hostWithVMs(t, f)
	f.create(c, "ctr", containerDoc)
	f.create(c, "created-vm", fakeVMDoc(true))
	runningVM(t, f, c, "mute-vm", false)
	runningVM(t, f, c, "uvm", true)

	hosted := func(hostID string) string {
		return `{"SchemaVersion":{"Major":2,"Minor":1},"HostingSystemId":"` + hostID + `","Container":{"Storage":{"Path":"/s"}}}`
	}
	for _, c2 := range []struct {
		host    string
		code    hresult.HRESULT
		message string
	}{
		{"nope", hresult.HCS_E_SYSTEM_NOT_FOUND, `$.HostingSystemId: compute system "nope" not found`},
		{"ctr", hresult.E_INVALIDARG, `$.HostingSystemId: compute system "ctr" is not a virtual machine`},
		{"created-vm", hresult.HCS_E_INVALID_STATE, `$.HostingSystemId: virtual machine "created-vm" is Created, not running`},
		{"mute-vm", hresult.ERROR_NOT_SUPPORTED, `$.HostingSystemId: virtual machine "mute-vm" has no GuestConnection`},
		{"uvm", hresult.ERROR_NOT_SUPPORTED, `$.HostingSystemId: systems hosted inside a utility VM are not supported`},
	} {
		op := client.NewOperation(nil, nil)
		sys, err := c.CreateComputeSystem("hosted-in-"+c2.host, hosted(c2.host), op)
		if err == nil {
			_, err = op.Wait(ctx(t))
			sys.Close()
		}
		op.Close()
		if !hresult.Is(err, c2.code) || !strings.Contains(err.Error(), c2.message) {
			t.Errorf("hosted in %s: %v, want %v with %q", c2.host, err, c2.code, c2.message)
		}
	}
}

// hostWithVMs is a host whose containers and VMs are both fake (f's driver for containers),
// for the checks that need a VM to exist; its client ends with the test.
func hostWithVMs(t *testing.T, f *fixture) *client.Client {
	t.Helper()
	h := newHost(t, host.Options{Container: f.drv, VirtualMachine: fakedriver.New(), StateDir: t.TempDir(), ShutdownTimeout: 5 * time.Second})
	c := client.New(h.Connect())
	t.Cleanup(func() { c.Close() })
	return c
}

// fakeVMDoc is a VM document for the fake driver, with a GuestConnection when guest is set.
func fakeVMDoc(guest bool) string {
	connection := ""
	if guest {
		connection = `,"GuestConnection":{}`
	}
	return `{"SchemaVersion":{"Major":2,"Minor":1},"VirtualMachine":{"Chipset":{"LinuxKernelDirect":{"KernelFilePath":"/k"}}` + connection + `}}`
}

// runningVM creates and starts the fake VM id.
func runningVM(t *testing.T, f *fixture, c *client.Client, id string, guest bool) {
	t.Helper()
	vm := f.create(c, id, fakeVMDoc(guest))
	mustDo(t, func(op *client.Operation) error { return vm.Start(op, "") })
}
