// Package testlayer builds what container tests need on a fresh machine: a read-only base
// layer made from Debian's busybox-static, and the hcs-agent binary. Both are built once per
// test process, in a temporary directory removed by Cleanup.
package testlayer

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"

	"github.com/linuxhcs/hcs/internal/hcsdtest"
)

// BusyboxPath is where Debian's busybox-static installs the static binary.
const BusyboxPath = "/bin/busybox"

var (
	mu      sync.Mutex
	tmpRoot string
	layer   string
	agent   string
)

// root returns the process's scratch directory, preferring tmpfs (files are created much
// faster there than on this machine's root filesystem).
func root() (string, error) {
	if tmpRoot != "" {
		return tmpRoot, nil
	}
	base := ""
	if st, err := os.Stat("/dev/shm"); err == nil && st.IsDir() {
		base = "/dev/shm"
	}
	dir, err := os.MkdirTemp(base, "hcs-testlayer-")
	if err != nil {
		return "", err
	}
	tmpRoot = dir
	return dir, nil
}

// Cleanup removes what this package built; call it from TestMain after m.Run.
func Cleanup() {
	mu.Lock()
	defer mu.Unlock()
	if tmpRoot != "" {
		os.RemoveAll(tmpRoot)
	}
	tmpRoot, layer, agent = "", "", ""
}

// Busybox returns a read-only base layer: busybox with a link for every applet in /bin,
// /etc/passwd and /etc/group with root, nobody and a user "app" (1000:1000), and the usual
// empty directories.
func Busybox() (string, error) {
	mu.Lock()
	defer mu.Unlock()
	if layer != "" {
		return layer, nil
	}
	r, err := root()
	if err != nil {
		return "", err
	}
	dir := filepath.Join(r, "busybox-layer")
	if err := buildBusybox(dir); err != nil {
		return "", err
	}
	layer = dir
	return dir, nil
}

func buildBusybox(dir string) error {
	for _, d := range []string{"bin", "etc", "tmp", "proc", "sys", "dev", "root", "home/app", "var", "run"} {
		if err := os.MkdirAll(filepath.Join(dir, d), 0o755); err != nil {
			return err
		}
	}
	os.Chmod(filepath.Join(dir, "tmp"), 0o1777)
	os.Chown(filepath.Join(dir, "home/app"), 1000, 1000)
	if err := copyFile(BusyboxPath, filepath.Join(dir, "bin/busybox"), 0o755); err != nil {
		return fmt.Errorf("busybox-static is needed for container tests (scripts/setup.sh installs it): %w", err)
	}
	out, err := exec.Command(BusyboxPath, "--list").Output()
	if err != nil {
		return fmt.Errorf("busybox --list: %w", err)
	}
	for _, applet := range strings.Fields(string(out)) {
		if applet == "busybox" { // a link named busybox would replace the binary
			continue
		}
		os.Symlink("busybox", filepath.Join(dir, "bin", applet))
	}
	files := map[string]string{
		"etc/passwd":   "root:x:0:0:root:/root:/bin/sh\napp:x:1000:1000:app:/home/app:/bin/sh\nnobody:x:65534:65534:nobody:/nonexistent:/bin/false\n",
		"etc/group":    "root:x:0:\napp:x:1000:\nnogroup:x:65534:\n",
		"etc/hostname": "busybox\n",
	}
	for name, data := range files {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(data), 0o644); err != nil {
			return err
		}
	}
	return nil
}

func copyFile(src, dst string, mode os.FileMode) error {
	b, err := os.ReadFile(src)
	if err != nil {
		return err
	}
	return os.WriteFile(dst, b, mode)
}

// Agent builds cmd/hcs-agent (static, as hcsdtest.Build does) once per test process and
// returns its path.
func Agent() (string, error) {
	mu.Lock()
	defer mu.Unlock()
	if agent != "" {
		return agent, nil
	}
	r, err := root()
	if err != nil {
		return "", err
	}
	if err := hcsdtest.Build(r, hcsdtest.Agent); err != nil {
		return "", err
	}
	agent = filepath.Join(r, string(hcsdtest.Agent))
	return agent, nil
}
