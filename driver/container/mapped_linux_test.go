package container_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/linuxhcs/hcs/driver"
	"github.com/linuxhcs/hcs/driver/drivertest"
	"github.com/linuxhcs/hcs/hresult"
	"github.com/linuxhcs/hcs/schema"
)

// runIn runs a shell script in sys and returns its stdout and exit code.
func runIn(t *testing.T, sys driver.System, rec *drivertest.Recorder, script string) (string, uint32) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	r, w, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	p, err := sys.CreateProcess(ctx, driver.ProcessRequest{
		Params: &schema.ProcessParameters{CommandArgs: []string{"/bin/sh", "-c", script}},
		Stdio:  driver.Stdio{Stdout: w, Stderr: w}, OnExit: rec.ProcessExited,
	})
	w.Close()
	if err != nil {
		t.Fatal(err)
	}
	var out strings.Builder
	buf := make([]byte, 4096)
	for {
		n, err := r.Read(buf)
		out.Write(buf[:n])
		if err != nil {
			break
		}
	}
	code, ok := rec.WaitProcessExited(p.Pid(), 20*time.Second)
	if !ok {
		t.Fatalf("no exit reported for %q", script)
	}
	return out.String(), code
}

func modify(t *testing.T, sys driver.System, reqType schema.ModifyRequestType, md string) error {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	return sys.Modify(ctx, &schema.ModifySettingRequest{ResourcePath: "Container/MappedDirectories", RequestType: reqType, Settings: []byte(md)})
}

func TestMappedDirectoryHotAddAndRemove(t *testing.T) {
	d := newDriver(t, "runc")
	rec := drivertest.NewRecorder()
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	sys, err := d.Create(ctx, driver.CreateRequest{ID: "hotadd", Config: busyboxConfig(t), StateDir: t.TempDir(), Notify: rec})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { sys.Terminate(context.Background()); sys.Close(context.Background()) })
	if err := sys.Start(ctx); err != nil {
		t.Fatal(err)
	}
	rw, ro := t.TempDir(), t.TempDir()
	os.WriteFile(filepath.Join(rw, "hello"), []byte("from host"), 0o644)
	if err := modify(t, sys, schema.ModifyRequestTypeAdd, fmt.Sprintf(`{"HostPath":%q,"ContainerPath":"/mnt/new/rw"}`, rw)); err != nil {
		t.Fatal(err)
	}
	if err := modify(t, sys, schema.ModifyRequestTypeAdd, fmt.Sprintf(`{"HostPath":%q,"ContainerPath":"/ro","ReadOnly":true}`, ro)); err != nil {
		t.Fatal(err)
	}
	out, code := runIn(t, sys, rec, "cat /mnt/new/rw/hello; echo back > /mnt/new/rw/reply; (echo x > /ro/f) 2>/dev/null && echo WROTE; true")
	if out != "from host" || code != 0 {
		t.Fatalf("in the container: %q exit %d", out, code)
	}
	if b, _ := os.ReadFile(filepath.Join(rw, "reply")); string(b) != "back\n" {
		t.Fatalf("write through the mapping: %q", b)
	}
	if err := modify(t, sys, schema.ModifyRequestTypeRemove, `{"ContainerPath":"/mnt/new/rw"}`); err != nil {
		t.Fatal(err)
	}
	if out, _ := runIn(t, sys, rec, "ls /mnt/new/rw"); out != "" {
		t.Fatalf("still mapped after Remove: %q", out)
	}
	err = modify(t, sys, schema.ModifyRequestTypeRemove, `{"ContainerPath":"/never"}`)
	if !hresult.Is(err, hresult.ERROR_NOT_FOUND) {
		t.Fatalf("removing an unknown mapping: %v", err)
	}
	err = modify(t, sys, schema.ModifyRequestTypeAdd, `{"HostPath":"/tmp","ContainerPath":"/proc/x"}`)
	if !hresult.Is(err, hresult.E_INVALIDARG) || !strings.Contains(err.Error(), "$.Settings.ContainerPath: must not be /proc") {
		t.Fatalf("mapping onto /proc: %v", err)
	}
	err = modify(t, sys, schema.ModifyRequestTypeAdd, `{"HostPath":"tmp","ContainerPath":"/mnt/y"}`)
	if !hresult.Is(err, hresult.E_INVALIDARG) || !strings.Contains(err.Error(), "$.Settings.HostPath: ") {
		t.Fatalf("a relative host path: %v", err)
	}
	err = modify(t, sys, schema.ModifyRequestTypeUpdate, `{"HostPath":"/tmp","ContainerPath":"/mnt/y"}`)
	if !hresult.Is(err, hresult.E_INVALIDARG) || !strings.Contains(err.Error(), `$.RequestType: "Update" must be Add or Remove`) {
		t.Fatalf("an Update of a mapping: %v", err)
	}
	err = modify(t, sys, schema.ModifyRequestTypeAdd, `{"HostPath":"/tmp","ContainerPath":"/mnt/x","Readonly":true,"Mode":1}`)
	if !hresult.Is(err, hresult.HCS_E_INVALID_JSON) || !strings.Contains(err.Error(), "$.Settings.Mode: unknown member") {
		t.Fatalf("a member a MappedDirectory does not have: %v", err)
	}
}
