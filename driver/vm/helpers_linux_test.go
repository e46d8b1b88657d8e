package vm

import (
	"context"
	"crypto/rand"
	"io"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/linuxhcs/hcs/driver"
	"github.com/linuxhcs/hcs/driver/drivertest"
	"github.com/linuxhcs/hcs/schema"
)

// timeout bounds every call and wait of the VM tests.
const timeout = 90 * time.Second

// newTestDriver returns a driver whose run directory is the tests' own.
func newTestDriver(t testing.TB) *Driver {
	t.Helper()
	d, err := New(Options{RunDir: env.runDir})
	if err != nil {
		t.Fatal(err)
	}
	return d
}

// vmDoc returns a document that boots the cloud kernel with the agent as init.
func vmDoc(kernel, initrdPath string) *schema.ComputeSystem {
	return &schema.ComputeSystem{VirtualMachine: &schema.VirtualMachine{
		Chipset: &schema.Chipset{LinuxKernelDirect: &schema.LinuxKernelDirect{
			KernelFilePath: kernel, InitRdPath: initrdPath,
			KernelCmdLine: "console=ttyS0 quiet",
		}},
		ComputeTopology: &schema.Topology{Memory: &schema.VirtualMachineMemory{SizeInMB: 256}, Processor: &schema.VirtualMachineProcessor{Count: 1}},
		GuestConnection: &schema.GuestConnection{},
	}}
}

// vm is a system under test.
type vm struct {
	t        testing.TB
	id       string
	sys      *System
	rec      *drivertest.Recorder
	stateDir string
}

// createVM creates a system from doc and registers its clean-up (terminate, close) even on
// failure.
func createVM(t testing.TB, d *Driver, doc *schema.ComputeSystem) *vm {
	t.Helper()
	return createNamedVM(t, d, doc, "vmtest-"+strings.ToLower(rand.Text()[:8]))
}

// createNamedVM is createVM for a system with the given id.
func createNamedVM(t testing.TB, d *Driver, doc *schema.ComputeSystem, id string) *vm {
	t.Helper()
	v := &vm{t: t, id: id, rec: drivertest.NewRecorder(), stateDir: t.TempDir()}
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	defer cancel()
	sys, err := d.Create(ctx, driver.CreateRequest{ID: v.id, Config: doc, StateDir: v.stateDir, Notify: v.rec})
	if err != nil {
		t.Fatalf("Create: %v", err)
	}
	v.sys = sys.(*System)
	t.Cleanup(v.cleanup)
	return v
}

func (v *vm) cleanup() {
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	defer cancel()
	if len(v.rec.Exits()) == 0 {
		v.sys.Terminate(ctx)
	}
	if err := v.sys.Close(ctx); err != nil {
		v.t.Errorf("Close: %v", err)
	}
}

// must runs a call with a bounded context.
func (v *vm) must(what string, fn func(ctx context.Context) error) {
	v.t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	defer cancel()
	if err := fn(ctx); err != nil {
		v.t.Fatalf("%s: %v", what, err)
	}
}

// start starts the VM and returns how long it took.
func (v *vm) start() time.Duration {
	v.t.Helper()
	t0 := time.Now()
	v.must("Start", v.sys.Start)
	return time.Since(t0)
}

// sh runs a script in the guest and returns its stdout and exit code.
func (v *vm) sh(script string) (string, uint32) {
	v.t.Helper()
	p, out := v.spawn(script)
	b, err := readAll(out)
	if err != nil {
		v.t.Fatalf("reading the output of %q: %v", script, err)
	}
	code, ok := v.rec.WaitProcessExited(p.Pid(), timeout)
	if !ok {
		v.t.Fatalf("%q did not exit", script)
	}
	return string(b), code
}

// spawn starts a script with its stdout on a pipe.
func (v *vm) spawn(script string) (driver.Process, *os.File) {
	v.t.Helper()
	r, w, err := os.Pipe()
	if err != nil {
		v.t.Fatal(err)
	}
	v.t.Cleanup(func() { r.Close() })
	params := &schema.ProcessParameters{CommandArgs: []string{"/bin/sh", "-c", script},
		Environment: map[string]string{"PATH": "/bin"}, CreateStdOutPipe: true}
	var p driver.Process
	v.must("CreateProcess", func(ctx context.Context) error {
		var err error
		p, err = v.sys.CreateProcess(ctx, v.request(params, driver.Stdio{Stdout: w}))
		return err
	})
	w.Close()
	return p, r
}

// readAll reads f to its end within the timeout.
func readAll(f *os.File) ([]byte, error) {
	f.SetReadDeadline(time.Now().Add(timeout))
	return io.ReadAll(f)
}

// waitExit waits for Exited and returns it.
func (v *vm) waitExit() driver.Exit {
	v.t.Helper()
	st, ok := v.rec.WaitExited(timeout)
	if !ok {
		v.t.Fatal("no Exited")
	}
	return st
}

// request asks for a process whose exit the VM's recorder receives.
func (v *vm) request(params *schema.ProcessParameters, stdio driver.Stdio) driver.ProcessRequest {
	return driver.ProcessRequest{Params: params, Stdio: stdio, OnExit: v.rec.ProcessExited}
}

// driverStdioNone gives a process no streams.
var driverStdioNone driver.Stdio
