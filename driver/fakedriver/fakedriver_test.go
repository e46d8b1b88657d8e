package fakedriver_test

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"io"
	"os"
	"syscall"
	"testing"
	"time"

	"github.com/linuxhcs/hcs/driver"
	"github.com/linuxhcs/hcs/driver/drivertest"
	"github.com/linuxhcs/hcs/driver/fakedriver"
	"github.com/linuxhcs/hcs/hresult"
	"github.com/linuxhcs/hcs/schema"
)

const timeout = 10 * time.Second

func containerConfig(*testing.T) *schema.ComputeSystem {
	return &schema.ComputeSystem{
		SchemaVersion: &schema.Version{Major: 2, Minor: 1},
		Container:     &schema.Container{Memory: &schema.ContainerMemory{SizeInMB: 256}},
	}
}

func TestConformance(t *testing.T) {
	drivertest.Run(t, drivertest.Config{
		Driver:    fakedriver.New(),
		NewConfig: containerConfig,
		Shell:     []string{"/bin/sh", "-c"},
		Skip:      map[string]string{"Save": "the fake cannot save state (ERROR_NOT_SUPPORTED)"},
		Timeout:   timeout,
	})
}

// fixture is one fake system with its recorder.
type fixture struct {
	t   *testing.T
	d   *fakedriver.Driver
	sys *fakedriver.System
	rec *drivertest.Recorder
}

// newFixture creates (but does not start) a system on a driver made with opts, and closes
// it when the test ends.
func newFixture(t *testing.T, opts ...fakedriver.Option) *fixture {
	t.Helper()
	f := &fixture{t: t, d: fakedriver.New(opts...), rec: drivertest.NewRecorder()}
	req := driver.CreateRequest{ID: "sys-" + t.Name(), Config: containerConfig(t), StateDir: t.TempDir(), Notify: f.rec}
	if _, err := f.d.Create(context.Background(), req); err != nil {
		t.Fatalf("Create: %v", err)
	}
	f.sys = f.d.System(req.ID)
	t.Cleanup(func() { _ = f.sys.Close(context.Background()) })
	return f
}

// started is newFixture plus Start.
func started(t *testing.T, opts ...fakedriver.Option) *fixture {
	t.Helper()
	f := newFixture(t, opts...)
	if err := f.sys.Start(context.Background()); err != nil {
		t.Fatalf("Start: %v", err)
	}
	return f
}

func (f *fixture) spawn(script string) driver.Process {
	f.t.Helper()
	p, err := f.sys.CreateProcess(context.Background(),
		f.request(&schema.ProcessParameters{CommandArgs: []string{"/bin/sh", "-c", script}}, driver.Stdio{}))
	if err != nil {
		f.t.Fatalf("CreateProcess %q: %v", script, err)
	}
	return p
}

// spawnOut starts params with a stdout pipe and returns the suite's end of it.
func (f *fixture) spawnOut(params *schema.ProcessParameters) (driver.Process, *bufio.Reader) {
	f.t.Helper()
	r, w, err := os.Pipe()
	if err != nil {
		f.t.Fatal(err)
	}
	f.t.Cleanup(func() { r.Close() })
	defer w.Close()
	p, err := f.sys.CreateProcess(context.Background(), f.request(params, driver.Stdio{Stdout: w}))
	if err != nil {
		f.t.Fatalf("CreateProcess: %v", err)
	}
	return p, bufio.NewReader(r)
}

// request asks for a process whose exit the fixture's recorder receives.
func (f *fixture) request(params *schema.ProcessParameters, stdio driver.Stdio) driver.ProcessRequest {
	return driver.ProcessRequest{Params: params, Stdio: stdio, OnExit: f.rec.ProcessExited}
}

func (f *fixture) exited() driver.Exit {
	f.t.Helper()
	st, ok := f.rec.WaitExited(timeout)
	if !ok {
		f.t.Fatal("no Exited")
	}
	return st
}

func wantCode(t *testing.T, err error, code hresult.HRESULT) {
	t.Helper()
	if !hresult.Is(err, code) {
		t.Errorf("error %v: want %v", err, code)
	}
}

// gone reports whether no host process has pid.
func gone(pid uint32) bool { return errors.Is(syscall.Kill(int(pid), 0), syscall.ESRCH) }

func TestCreateNeedsASystemKind(t *testing.T) {
	req := driver.CreateRequest{ID: "nothing", Config: &schema.ComputeSystem{}, Notify: drivertest.NewRecorder()}
	_, err := fakedriver.New().Create(context.Background(), req)
	wantCode(t, err, hresult.E_INVALIDARG)
}

func TestStateErrors(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	_, err := f.sys.CreateProcess(ctx, f.request(&schema.ProcessParameters{CommandArgs: []string{"/bin/true"}}, driver.Stdio{}))
	wantCode(t, err, hresult.HCS_E_INVALID_STATE)
	if err := f.sys.Start(ctx); err != nil {
		t.Fatal(err)
	}
	wantCode(t, f.sys.Start(ctx), hresult.HCS_E_INVALID_STATE)
	wantCode(t, f.sys.Resume(ctx), hresult.HCS_E_INVALID_STATE)
	p := f.spawn("exit 0")
	if _, ok := f.rec.WaitProcessExited(p.Pid(), timeout); !ok {
		t.Fatal("no ProcessExited")
	}
	wantCode(t, p.Kill(ctx), hresult.HCS_E_PROCESS_ALREADY_STOPPED)
	wantCode(t, p.Signal(ctx, 0), hresult.ERROR_INVALID_DATA)
	if err := f.sys.Terminate(ctx); err != nil {
		t.Fatal(err)
	}
	wantCode(t, f.sys.Terminate(ctx), hresult.HCS_E_SYSTEM_ALREADY_STOPPED)
	wantCode(t, f.sys.Shutdown(ctx, nil), hresult.HCS_E_SYSTEM_ALREADY_STOPPED)
	wantCode(t, f.sys.Pause(ctx, nil), hresult.HCS_E_INVALID_STATE)
}

func TestCommandLineAndPath(t *testing.T) {
	f := started(t)
	_, out := f.spawnOut(&schema.ProcessParameters{CommandLine: `echo "$0" $PATH`})
	got, err := io.ReadAll(out)
	if want := "/bin/sh " + fakedriver.DefaultPath + "\n"; string(got) != want || err != nil {
		t.Errorf("output %q (%v), want %q", got, err, want)
	}
	_, err = f.sys.CreateProcess(context.Background(), f.request(&schema.ProcessParameters{CommandArgs: []string{"no-such-tool"}}, driver.Stdio{}))
	wantCode(t, err, hresult.ERROR_NOT_FOUND)
}

func TestSaveNotSupported(t *testing.T) {
	f := started(t)
	wantCode(t, f.sys.Save(context.Background(), &schema.SaveOptions{}), hresult.ERROR_NOT_SUPPORTED)
}

func TestModify(t *testing.T) {
	f := started(t)
	ctx := context.Background()
	if got := f.sys.MemorySizeInMB(); got != 256 {
		t.Errorf("memory from the config: %d, want 256", got)
	}
	req := &schema.ModifySettingRequest{ResourcePath: fakedriver.MemoryResourcePath,
		RequestType: schema.ModifyRequestTypeUpdate, Settings: json.RawMessage("1024")}
	if err := f.sys.Modify(ctx, req); err != nil {
		t.Fatal(err)
	}
	if got := f.sys.MemorySizeInMB(); got != 1024 {
		t.Errorf("memory after Modify: %d, want 1024", got)
	}
	req.Settings = json.RawMessage(`"big"`)
	wantCode(t, f.sys.Modify(ctx, req), hresult.E_INVALIDARG)
	req.ResourcePath = "Container/Processor"
	wantCode(t, f.sys.Modify(ctx, req), hresult.ERROR_NOT_SUPPORTED)
}

func TestPropertiesDetails(t *testing.T) {
	f := started(t)
	p := f.spawn("exec sleep 1000")
	var props schema.Properties
	types := []schema.SystemPropertyType{schema.SystemPropertyTypeStatistics, schema.SystemPropertyTypeProcessList}
	if err := f.sys.Properties(context.Background(), types, &props); err != nil {
		t.Fatal(err)
	}
	if props.Statistics.Uptime100ns == 0 || props.Statistics.ContainerStartTime == "" {
		t.Errorf("Statistics %+v: want uptime and start time", props.Statistics)
	}
	if len(props.ProcessList) != 1 || props.ProcessList[0].ProcessId != p.Pid() || props.ProcessList[0].ImageName != "sh" {
		t.Errorf("ProcessList %+v: want pid %d of sh", props.ProcessList, p.Pid())
	}
}

func TestShutdownTimesOut(t *testing.T) {
	f := started(t)
	script := "trap '' TERM; echo ready; sleep 1000 & wait"
	p, out := f.spawnOut(&schema.ProcessParameters{CommandArgs: []string{"/bin/sh", "-c", script}})
	if line, err := out.ReadString('\n'); line != "ready\n" {
		t.Fatalf("read %q, %v: want ready", line, err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 200*time.Millisecond)
	defer cancel()
	if err := f.sys.Shutdown(ctx, nil); !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("Shutdown: %v, want the context's deadline", err)
	}
	if n := len(f.rec.Exits()); n != 0 {
		t.Fatalf("Exited reported after a failed Shutdown: %+v", f.rec.Exits())
	}
	if err := f.sys.Terminate(context.Background()); err != nil {
		t.Fatal(err)
	}
	if st := f.exited(); st.Cause != driver.ExitStopped {
		t.Errorf("Exited %+v, want cause Stopped", st)
	}
	if code, _ := f.rec.WaitProcessExited(p.Pid(), timeout); code != 137 {
		t.Errorf("exit code %d, want 137", code)
	}
}
