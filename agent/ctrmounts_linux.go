package agent

import (
	"fmt"
	"os"
	"path/filepath"

	"golang.org/x/sys/unix"
)

// devices are bind-mounted from the agent's /dev into the container's: binding needs no
// CAP_MKNOD and gives exactly the agent's devices.
var devices = []string{"null", "zero", "full", "random", "urandom", "tty"}

// mountSpecial mounts the container's /proc (of its pid namespace), a /dev of its own on
// tmpfs, and a read-only /sys.
func mountSpecial(rootfs string) error {
	const safe = unix.MS_NOSUID | unix.MS_NODEV | unix.MS_NOEXEC
	mounts := []struct {
		dir, fstype string
		flags       uintptr
		data        string
	}{
		{"proc", "proc", safe, ""},
		{"sys", "sysfs", safe | unix.MS_RDONLY, ""},
		{"dev", "tmpfs", unix.MS_NOSUID | unix.MS_NOEXEC, "mode=0755,size=65536k"},
		{"dev/pts", "devpts", unix.MS_NOSUID | unix.MS_NOEXEC, "newinstance,ptmxmode=0666,mode=0620"},
		{"dev/shm", "tmpfs", safe, "mode=1777"},
	}
	for _, m := range mounts {
		dir, err := inRoot(rootfs, m.dir)
		if err != nil {
			return err
		}
		if err := os.MkdirAll(dir, 0o755); err != nil {
			return fmt.Errorf("create /%s: %w", m.dir, err)
		}
		if err := unix.Mount(m.fstype, dir, m.fstype, m.flags, m.data); err != nil {
			return fmt.Errorf("mount %s on /%s: %w", m.fstype, m.dir, err)
		}
	}
	return populateDev(filepath.Join(rootfs, "dev"))
}

// populateDev fills the container's /dev with the devices and the usual links.
func populateDev(dev string) error {
	for _, name := range devices {
		target := filepath.Join(dev, name)
		if err := os.WriteFile(target, nil, 0o666); err != nil {
			return fmt.Errorf("create /dev/%s: %w", name, err)
		}
		if err := unix.Mount(filepath.Join("/dev", name), target, "", unix.MS_BIND, ""); err != nil {
			return fmt.Errorf("bind /dev/%s: %w", name, err)
		}
	}
	links := [][2]string{
		{"pts/ptmx", "ptmx"}, {"/proc/self/fd", "fd"},
		{"/proc/self/fd/0", "stdin"}, {"/proc/self/fd/1", "stdout"}, {"/proc/self/fd/2", "stderr"},
	}
	for _, l := range links {
		if err := os.Symlink(l[0], filepath.Join(dev, l[1])); err != nil {
			return fmt.Errorf("link /dev/%s: %w", l[1], err)
		}
	}
	return nil
}
