package container

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	goruntime "runtime"
	"strings"
	"testing"
	"time"

	"golang.org/x/sys/unix"

	"github.com/linuxhcs/hcs/internal/testutil"
	"github.com/linuxhcs/hcs/schema"
)

// smokeCgroupParent is the cgroup the smoke tests put their containers under.
const smokeCgroupParent = "/hcs-spectest"

// smokeArgs print a marker, the seccomp mode and the host name.
var smokeArgs = []string{"/bin/sh", "-c", "echo ok; cat /proc/self/status | grep -i seccomp; hostname"}

// confinementScript prints what the container may and may not do, one "name=value" a line.
const confinementScript = `
touch /ro/x 2>/dev/null && echo ro=writable || echo ro=denied
test -e /ro/sub/marker && echo ro-sub-mounted=yes
touch /ro/sub/x 2>/dev/null && echo ro-sub=writable || echo ro-sub=denied
echo hi >/rw/file && echo rw=ok
echo memory=$(cat /sys/fs/cgroup/memory/memory.limit_in_bytes 2>/dev/null || cat /sys/fs/cgroup/memory.max)
echo pids=$(cat /sys/fs/cgroup/pids/pids.max 2>/dev/null || cat /sys/fs/cgroup/pids.max)
echo cpu=$(cat /sys/fs/cgroup/cpu/cpu.cfs_quota_us 2>/dev/null || cut -d" " -f1 /sys/fs/cgroup/cpu.max)
unshare -U true 2>/dev/null && echo userns=allowed || echo userns=denied
echo timer_list=$(wc -c </proc/timer_list)
echo firmware=$(ls /sys/firmware | wc -l)
echo sysrq=$(echo h 2>/dev/null >/proc/sysrq-trigger && echo writable || echo denied)
echo nofile=$(ulimit -n)
`

// TestSmokeRunc runs BuildSpec specs with runc on a busybox rootfs (root only).
func TestSmokeRunc(t *testing.T) {
	testSmoke(t, "runc", false)
}

// TestSmokeCrun does the same with crun. On a hybrid host Debian's crun refuses to run, so
// every crun command runs in a private mount namespace where /sys/fs/cgroup/unified is
// unmounted, which crun then sees as a cgroup v1 host.
func TestSmokeCrun(t *testing.T) {
	testSmoke(t, "crun", true)
}

// testSmoke runs a minimal container, then one with mapped directories and limits.
func testSmoke(t *testing.T, runtime string, hideUnified bool) {
	testutil.RequireRoot(t)
	env := newSmokeEnv(t, runtime, hideUnified)
	t.Run("Basic", func(t *testing.T) {
		out, hostname := env.run(t, &schema.Container{}, smokeArgs, nil)
		checkSmokeOutput(t, out, hostname)
	})
	t.Run("Confinement", func(t *testing.T) {
		ro, rw := env.mappedDirs(t)
		doc := &schema.Container{
			MappedDirectories: []schema.MappedDirectory{
				{HostPath: ro, ContainerPath: "/ro", ReadOnly: true},
				{HostPath: rw, ContainerPath: "/rw"},
			},
			Memory:    &schema.ContainerMemory{SizeInMB: 64},
			Processor: &schema.ContainerProcessor{Count: 1},
		}
		out, _ := env.run(t, doc, []string{"/bin/sh", "-c", confinementScript}, nil)
		checkConfinement(t, out, filepath.Join(rw, "file"))
	})
	t.Run("SeccompProbe", func(t *testing.T) {
		probe := buildSeccompProbe(t)
		out, _ := env.run(t, &schema.Container{}, []string{"/probe"}, map[string]string{"probe": probe})
		checkProbe(t, out)
	})
}

// buildSeccompProbe compiles testdata/seccompprobe, a static Go program that tries what the
// agent needs and what the profile refuses. It uses x86-64 system-call numbers.
func buildSeccompProbe(t *testing.T) string {
	if goruntime.GOARCH != "amd64" {
		t.Skipf("the probe uses x86-64 system-call numbers; this is %s", goruntime.GOARCH)
	}
	gobin := requireTool(t, "go")
	out := filepath.Join(scratchDir(t), "probe")
	cmd := exec.Command(gobin, "build", "-o", out, "./testdata/seccompprobe")
	cmd.Env = append(os.Environ(), "CGO_ENABLED=0")
	if msg, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("building the probe: %v\n%s", err, msg)
	}
	return out
}

// checkProbe expects the agent's operations to work, the refused ones to fail with EPERM,
// and clone3 with ENOSYS so that libraries fall back to clone.
func checkProbe(t *testing.T, out string) {
	t.Helper()
	eperm, enosys := unix.EPERM.Error(), unix.ENOSYS.Error()
	want := map[string]string{
		"exec": "ok", "exec-setsid": "ok", "exec-as-user": "ok", "unix-socket": "ok",
		"subreaper": "ok", "signal": "ok",
		"vsock": eperm, "alg": eperm, "unshare-user": eperm, "ptrace": eperm, "mount": eperm,
		"io_uring": eperm, "clone3": enosys,
	}
	checkLines(t, out, want)
}

// smokeEnv is what the smoke containers of one runtime share.
type smokeEnv struct {
	name    string
	rt      smokeRuntime
	busybox string
	layout  CgroupLayout
}

// newSmokeEnv finds the runtime and busybox and detects the cgroup layout.
func newSmokeEnv(t *testing.T, runtime string, hideUnified bool) *smokeEnv {
	bin := requireTool(t, runtime)
	busybox := requireTool(t, "busybox")
	layout, err := DetectCgroupLayout()
	if err != nil {
		t.Fatal(err)
	}
	rt := smokeRuntime{bin: bin, root: filepath.Join(scratchDir(t), "state"), wrap: hideUnified && layout.Hybrid}
	return &smokeEnv{name: runtime, rt: rt, busybox: busybox, layout: layout}
}

// run builds a bundle for doc with args as the init and the copyIn files (rootfs path → host
// path) added to the rootfs, runs the container to completion, and returns its output and
// host name. The container and its cgroup are removed when the test ends.
func (e *smokeEnv) run(t *testing.T, doc *schema.Container, args []string, copyIn map[string]string) (string, string) {
	dir := scratchDir(t)
	id := fmt.Sprintf("hcs-spectest-%s-%d-%d", e.name, os.Getpid(), time.Now().UnixNano())
	bundle := filepath.Join(dir, "bundle")
	makeBusyboxRootfs(t, e.busybox, filepath.Join(bundle, "rootfs"))
	for dst, src := range copyIn {
		copyFile(t, src, filepath.Join(bundle, "rootfs", dst))
	}
	spec, err := BuildSpec(SpecInput{
		ID: id, Container: doc, RootfsPath: filepath.Join(bundle, "rootfs"),
		Args: args, Cgroups: e.layout, CgroupsPath: smokeCgroupParent + "/" + id, HostCPUs: 2,
		OpenFilesLimit: openFilesLimit(t),
	})
	if err != nil {
		t.Fatal(err)
	}
	writeSpec(t, filepath.Join(bundle, "config.json"), spec)
	t.Cleanup(func() { e.rt.delete(t, id); removeSmokeCgroup(t, id) })
	out := e.rt.run(t, bundle, id)
	t.Logf("%s output:\n%s", e.name, out)
	return out, hostnameFromID(id)
}

// mappedDirs makes a host directory to map read-only, holding a tmpfs mounted at sub (with a
// file named marker, to show the submount is mapped too), and one to map read-write.
func (e *smokeEnv) mappedDirs(t *testing.T) (ro, rw string) {
	dir := scratchDir(t)
	ro, rw = filepath.Join(dir, "ro"), filepath.Join(dir, "rw")
	sub := filepath.Join(ro, "sub")
	for _, d := range []string{sub, rw} {
		if err := os.MkdirAll(d, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	if err := unix.Mount("tmpfs", sub, "tmpfs", 0, "size=1m"); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if err := unix.Unmount(sub, unix.MNT_DETACH); err != nil {
			t.Errorf("unmount %s: %v", sub, err)
		}
	})
	if err := os.WriteFile(filepath.Join(sub, "marker"), nil, 0o644); err != nil {
		t.Fatal(err)
	}
	return ro, rw
}

// checkConfinement checks the lines confinementScript prints.
func checkConfinement(t *testing.T, out, rwFile string) {
	t.Helper()
	want := map[string]string{
		"ro": "denied", "ro-sub-mounted": "yes", "ro-sub": "denied", "rw": "ok", "memory": "67108864",
		"pids": "32768", "cpu": "100000", "userns": "denied", "sysrq": "denied",
		"nofile": fmt.Sprint(openFilesLimit(t)),
	}
	// Masked paths read as empty, when the host has them at all.
	for k, p := range map[string]string{"timer_list": "/proc/timer_list", "firmware": "/sys/firmware"} {
		if _, err := os.Stat(p); err == nil {
			want[k] = "0"
		}
	}
	checkLines(t, out, want)
	if data, err := os.ReadFile(rwFile); err != nil || string(data) != "hi\n" {
		t.Errorf("file written to the read-write directory: %q, %v", data, err)
	}
}

// openFilesLimit is DefaultOpenFilesLimit, or this process's hard limit when that is lower:
// without CAP_SYS_RESOURCE the runtime cannot raise it.
func openFilesLimit(t *testing.T) uint64 {
	var lim unix.Rlimit
	if err := unix.Getrlimit(unix.RLIMIT_NOFILE, &lim); err != nil {
		t.Fatal(err)
	}
	return min(lim.Max, DefaultOpenFilesLimit)
}

// checkSmokeOutput expects the marker, seccomp filter mode 2 and the host name.
func checkSmokeOutput(t *testing.T, out, hostname string) {
	t.Helper()
	if !strings.HasPrefix(out, "ok\n") {
		t.Errorf("output does not start with ok:\n%s", out)
	}
	if !regexp.MustCompile(`(?m)^Seccomp:\s+2$`).MatchString(out) {
		t.Errorf("seccomp filter is not on (want Seccomp: 2):\n%s", out)
	}
	if !strings.HasSuffix(out, "\n"+hostname+"\n") {
		t.Errorf("host name %q not printed last:\n%s", hostname, out)
	}
}

// checkLines checks the "name=value" lines of out against want.
func checkLines(t *testing.T, out string, want map[string]string) {
	t.Helper()
	got := map[string]string{}
	for _, line := range strings.Split(strings.TrimSpace(out), "\n") {
		if k, v, ok := strings.Cut(line, "="); ok {
			got[k] = v
		}
	}
	for k, v := range want {
		if got[k] != v {
			t.Errorf("%s = %q, want %q", k, got[k], v)
		}
	}
}
