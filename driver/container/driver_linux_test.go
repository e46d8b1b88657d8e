package container_test

import (
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/linuxhcs/hcs/driver/container"
	"github.com/linuxhcs/hcs/driver/drivertest"
	"github.com/linuxhcs/hcs/internal/testlayer"
	"github.com/linuxhcs/hcs/internal/testutil"
	"github.com/linuxhcs/hcs/schema"
)

// testCgroupParent is the cgroup under which this package's containers are placed.
const testCgroupParent = "/hcs-test"

func TestMain(m *testing.M) {
	// A private temporary directory, so the leftover check sees only this package's mounts.
	if tmp, err := os.MkdirTemp("", "hcs-ctest-"); err == nil {
		os.Setenv("TMPDIR", tmp)
		defer os.RemoveAll(tmp)
	}
	code := m.Run()
	testlayer.Cleanup()
	if left := leftovers(); len(left) > 0 {
		fmt.Fprintf(os.Stderr, "the host was left changed:\n  %s\n", strings.Join(left, "\n  "))
		code = 1
	}
	removeCgroupParent()
	if code != 0 {
		os.Exit(code)
	}
}

// leftovers lists what the tests' containers left on the host: union mounts under the
// temporary directories, agent processes, unreaped children (the driver is the subreaper of
// the runtimes' processes), and container cgroups under the test parent.
func leftovers() []string {
	var out []string
	mounts, _ := os.ReadFile("/proc/self/mountinfo")
	for _, line := range strings.Split(string(mounts), "\n") {
		if strings.Contains(line, " - overlay ") && strings.Contains(line, os.TempDir()) {
			out = append(out, "mount: "+line)
		}
	}
	for _, z := range zombieChildren() {
		out = append(out, "unreaped child: "+z)
	}
	dirs, _ := filepath.Glob(filepath.Join("/sys/fs/cgroup/*", testCgroupParent, "*"))
	for _, d := range dirs {
		if st, err := os.Stat(d); err == nil && st.IsDir() {
			out = append(out, "cgroup: "+d)
		}
	}
	return out
}

// removeCgroupParent removes the (now empty) test cgroup parent from every hierarchy.
func removeCgroupParent() {
	dirs, _ := filepath.Glob(filepath.Join("/sys/fs/cgroup/*", testCgroupParent))
	dirs = append(dirs, filepath.Join("/sys/fs/cgroup", testCgroupParent))
	for _, d := range dirs {
		os.Remove(d)
	}
}

// newDriver builds the agent and the busybox layer and returns a driver for runtime, with
// its runtime state, sockets and cgroups kept apart from other tests. tweaks adjust its
// options.
func newDriver(t *testing.T, runtime string, tweaks ...func(*container.Options)) *container.Driver {
	t.Helper()
	return newLoggingDriver(t, runtime, nil, tweaks...)
}

// newLoggingDriver is newDriver with the driver's log going to logger (nil: the default).
func newLoggingDriver(t *testing.T, runtime string, logger *slog.Logger, tweaks ...func(*container.Options)) *container.Driver {
	t.Helper()
	testutil.RequireRoot(t)
	agent, err := testlayer.Agent()
	if err != nil {
		t.Fatal(err)
	}
	state := t.TempDir()
	opts := container.Options{
		Runtime: runtime, AgentPath: agent,
		RuntimeRoot: filepath.Join(state, "runtime"), SocketDir: shortDir(t),
		CgroupParent: testCgroupParent, Logger: logger,
	}
	for _, tweak := range tweaks {
		tweak(&opts)
	}
	d, err := container.New(opts)
	if err != nil {
		t.Fatal(err)
	}
	return d
}

// shortDir returns a short temporary directory, for socket paths.
func shortDir(t *testing.T) string {
	dir, err := os.MkdirTemp("/run", "hcs-t")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(dir) })
	return dir
}

// busyboxConfig returns a container on the busybox layer with a fresh writable layer.
func busyboxConfig(t *testing.T) *schema.ComputeSystem {
	layer, err := testlayer.Busybox()
	if err != nil {
		t.Fatal(err)
	}
	return &schema.ComputeSystem{Container: &schema.Container{
		Storage: &schema.Storage{Layers: []schema.Layer{{Path: layer}}, Path: filepath.Join(t.TempDir(), "rw")},
	}}
}

func TestConformance(t *testing.T) {
	for _, rt := range []string{"runc", "crun"} {
		t.Run(rt, func(t *testing.T) {
			drivertest.Run(t, drivertest.Config{
				Driver:    newDriver(t, rt),
				NewConfig: busyboxConfig,
				Shell:     []string{"/bin/sh", "-c"},
				Skip:      map[string]string{"Save": "CRIU checkpoints do not work on this kernel (criu check fails); Save reports why"},
				Timeout:   30 * time.Second,
			})
		})
	}
}
