package container

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"golang.org/x/sys/unix"

	"github.com/linuxhcs/hcs/internal/testutil"
)

// smokeRuntime runs one OCI runtime with a private state directory.
type smokeRuntime struct {
	bin, root string
	// wrap runs each command in a private mount namespace without /sys/fs/cgroup/unified.
	wrap bool
}

// command returns the runtime invocation with its global flags.
func (r smokeRuntime) command(ctx context.Context, args ...string) *exec.Cmd {
	argv := append([]string{r.bin, "--root", r.root}, args...)
	if r.wrap {
		script := `umount /sys/fs/cgroup/unified && exec "$@"`
		argv = append([]string{"unshare", "--mount", "--propagation", "private", "--", "/bin/sh", "-c", script, "sh"}, argv...)
	}
	return exec.CommandContext(ctx, argv[0], argv[1:]...)
}

// run runs the container in the foreground and returns its standard output.
func (r smokeRuntime) run(t *testing.T, bundle, id string) string {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	cmd := r.command(ctx, "run", "--bundle", bundle, id)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		t.Fatalf("%s: %v\nstdout:\n%s\nstderr:\n%s", strings.Join(cmd.Args, " "), err, stdout.String(), stderr.String())
	}
	if stderr.Len() > 0 {
		t.Logf("%s stderr:\n%s", r.bin, stderr.String())
	}
	return stdout.String()
}

// delete removes the container, whatever state it is in.
func (r smokeRuntime) delete(t *testing.T, id string) {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if out, err := r.command(ctx, "delete", "-f", id).CombinedOutput(); err != nil && !strings.Contains(string(out), "does not exist") {
		t.Logf("delete %s: %v: %s", id, err, out)
	}
}

// removeSmokeCgroup removes the container's cgroup, and the test parent when it is empty, from
// every hierarchy, in case the runtime left them.
func removeSmokeCgroup(t *testing.T, id string) {
	hierarchies := []string{cgroupRoot}
	entries, _ := os.ReadDir(cgroupRoot)
	for _, e := range entries {
		if e.IsDir() { // skips the cpu -> cpu,cpuacct style links
			hierarchies = append(hierarchies, filepath.Join(cgroupRoot, e.Name()))
		}
	}
	for _, h := range hierarchies {
		leaf := filepath.Join(h, smokeCgroupParent, id)
		if err := unix.Rmdir(leaf); err == nil {
			t.Logf("removed cgroup %s that the runtime left", leaf)
		} else if !errors.Is(err, unix.ENOENT) {
			t.Errorf("rmdir %s: %v", leaf, err)
		}
		_ = unix.Rmdir(filepath.Join(h, smokeCgroupParent)) // fails while other tests use it
	}
}

// requireTool finds a program on PATH, or skips the test (fails it under CI).
func requireTool(t *testing.T, name string) string {
	t.Helper()
	p, err := exec.LookPath(name)
	if err != nil {
		if testutil.InCI() {
			t.Fatalf("%s not found (scripts/setup.sh installs it): %v", name, err)
		}
		t.Skipf("%s not found (scripts/setup.sh installs it): %v", name, err)
	}
	return p
}

// scratchDir returns a new directory, on tmpfs when /tmp or /dev/shm is one (creating files on
// this machine's root filesystem is slow), removed when the test ends.
func scratchDir(t *testing.T) string {
	t.Helper()
	base := os.TempDir()
	for _, d := range []string{os.TempDir(), "/dev/shm"} {
		var st unix.Statfs_t
		if unix.Statfs(d, &st) == nil && st.Type == unix.TMPFS_MAGIC {
			base = d
			break
		}
	}
	dir, err := os.MkdirTemp(base, "hcs-spectest-")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if err := os.RemoveAll(dir); err != nil {
			t.Errorf("removing %s: %v", dir, err)
		}
	})
	return dir
}

// makeBusyboxRootfs makes a root filesystem holding a copy of busybox and a link for each of
// its applets except busybox itself (linking it would replace the binary by a loop).
func makeBusyboxRootfs(t *testing.T, busybox, rootfs string) {
	t.Helper()
	bin := filepath.Join(rootfs, "bin")
	if err := os.MkdirAll(bin, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.Mkdir(filepath.Join(rootfs, "tmp"), 0o1777); err != nil {
		t.Fatal(err)
	}
	copyFile(t, busybox, filepath.Join(bin, "busybox"))
	list, err := exec.Command(busybox, "--list").Output()
	if err != nil {
		t.Fatalf("busybox --list: %v", err)
	}
	for _, applet := range strings.Fields(string(list)) {
		if applet == "busybox" {
			continue
		}
		if err := os.Symlink("busybox", filepath.Join(bin, applet)); err != nil && !errors.Is(err, fs.ErrExist) {
			t.Fatal(err)
		}
	}
}

// copyFile copies an executable file.
func copyFile(t *testing.T, src, dst string) {
	t.Helper()
	data, err := os.ReadFile(src)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(dst, data, 0o755); err != nil {
		t.Fatal(err)
	}
}

// writeSpec writes a spec as a bundle's config.json.
func writeSpec(t *testing.T, path string, spec any) {
	t.Helper()
	data, err := json.MarshalIndent(spec, "", "\t")
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, data, 0o600); err != nil {
		t.Fatal(err)
	}
}
