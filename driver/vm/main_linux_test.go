package vm

import (
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/linuxhcs/hcs/guest/initrd"
	"github.com/linuxhcs/hcs/internal/testlayer"
)

// env is what the VM tests share, made once in TestMain.
var env struct {
	dir     string // world-searchable scratch directory (the VMs' uids read from it)
	runDir  string
	kernel  string // the cloud kernel
	initrd  string // its initrd with hcs-agent
	agent   string
	err     error // why VMs cannot run here
	qemusAt map[int]bool
	loops   int
}

func TestMain(m *testing.M) {
	code := setupAndRun(m)
	testlayer.Cleanup()
	os.Exit(code)
}

func setupAndRun(m *testing.M) int {
	if os.Geteuid() == 0 {
		env.err = setupEnv()
		defer os.RemoveAll(env.dir)
	} else {
		env.err = fmt.Errorf("VM tests need root")
	}
	env.qemusAt, env.loops = qemuPids(), loopDevices()
	code := m.Run()
	if env.err == nil {
		if err := leftovers(); err != nil {
			fmt.Fprintln(os.Stderr, "leftovers after the VM tests:", err)
			code = 1
		}
	}
	return code
}

// setupEnv builds hcs-agent and the guest initrd for the installed cloud kernel.
func setupEnv() error {
	dir, err := os.MkdirTemp("/dev/shm", "hcs-vm-test-")
	if err != nil {
		return err
	}
	os.Chmod(dir, 0o755)
	env.dir, env.runDir = dir, filepath.Join(dir, "run")
	kernels, _ := filepath.Glob("/boot/vmlinuz-*-cloud-amd64")
	if len(kernels) == 0 {
		return fmt.Errorf("no /boot/vmlinuz-*-cloud-amd64: run scripts/setup.sh")
	}
	env.kernel = kernels[len(kernels)-1]
	if env.agent, err = testlayer.Agent(); err != nil {
		return err
	}
	env.initrd, err = buildInitrd(env.kernel)
	return err
}

// buildInitrd packs the guest initrd for a /boot/vmlinuz-VERSION kernel into env.dir.
func buildInitrd(kernel string) (string, error) {
	version := strings.TrimPrefix(filepath.Base(kernel), "vmlinuz-")
	out := filepath.Join(env.dir, "initrd-"+version+".gz")
	if _, err := initrd.WriteFile(out, initrd.Options{AgentPath: env.agent, KernelVersion: version}); err != nil {
		return "", err
	}
	return out, nil
}

// requireVM skips (or, under CI, fails) a test that needs to run VMs here.
func requireVM(t testing.TB) {
	t.Helper()
	if env.err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("cannot run VMs: %v", env.err)
		}
		t.Skipf("cannot run VMs: %v", env.err)
	}
}

// qemuPids lists the running QEMU processes this test process started (its children),
// not those of other programs on the machine.
func qemuPids() map[int]bool {
	out := map[int]bool{}
	dirs, _ := filepath.Glob("/proc/[0-9]*/stat")
	for _, p := range dirs {
		b, err := os.ReadFile(p)
		var pid, ppid int
		var comm, state string
		if err != nil || !strings.Contains(string(b), "(qemu-system") {
			continue
		}
		if _, err := fmt.Sscanf(string(b), "%d %s %s %d", &pid, &comm, &state, &ppid); err == nil && ppid == os.Getpid() {
			out[pid] = true
		}
	}
	return out
}

// loopDevices counts attached loop devices.
func loopDevices() int {
	files, _ := filepath.Glob("/sys/block/loop*/loop/backing_file")
	return len(files)
}

// leftovers reports QEMU processes, sockets and loop devices the tests left.
func leftovers() error {
	var bad []string
	for pid := range qemuPids() {
		if !env.qemusAt[pid] {
			bad = append(bad, fmt.Sprintf("QEMU pid %d", pid))
		}
	}
	entries, _ := os.ReadDir(env.runDir)
	for _, e := range entries {
		bad = append(bad, "run directory "+e.Name())
	}
	if n := loopDevices(); n > env.loops {
		bad = append(bad, fmt.Sprintf("%d loop devices", n-env.loops))
	}
	if len(bad) > 0 {
		slices.Sort(bad)
		return fmt.Errorf("%s", strings.Join(bad, ", "))
	}
	return nil
}
