// Package initrd builds the initramfs a VM guest boots with when hcs-agent is its init: a
// gzip-compressed "newc" cpio archive holding the agent as /init, busybox with a link per
// applet in /bin, the kernel modules the agent needs (virtio PCI and serial, virtio-scsi and
// SCSI disks, ext4, overlay, 9p, vsock, virtio-net, pvpanic, the memory balloon) with their
// dependencies from the kernel's modules.dep, and /etc/hcs/modules, the list the agent loads
// at start-up in order.
// `hcsdiag vm initrd` calls WriteFile.
package initrd

import (
	"bytes"
	"compress/gzip"
	"fmt"
	"io"
	"maps"
	"os"
	"os/exec"
	"path"
	"path/filepath"
	"slices"
	"strings"

	"golang.org/x/sys/unix"
)

// DefaultModules are the modules the guest agent uses, by name. Those the kernel builds in
// need nothing; those it lacks altogether are left out (Result.Missing).
var DefaultModules = []string{
	"virtio_pci", "virtio_console", "virtio_scsi", "sd_mod", "sr_mod", "virtio_net",
	"9pnet_virtio", "9p", "vmw_vsock_virtio_transport", "pvpanic_mmio", "pvpanic_pci", "crc32c_generic", "ext4", "overlay",
	"virtio_balloon",
}

// RequiredModules must be present (as modules or built in): without them the agent cannot
// reach the host.
var RequiredModules = []string{"virtio_pci", "virtio_console"}

// Options says what to pack.
type Options struct {
	// AgentPath is the static hcs-agent binary.
	AgentPath string
	// BusyboxPath is a static busybox; empty means /bin/busybox (Debian's busybox-static).
	BusyboxPath string
	// KernelVersion names /lib/modules/VERSION; empty means the running kernel's.
	KernelVersion string
	// ModulesRoot replaces /lib/modules (tests).
	ModulesRoot string
	// Modules replaces DefaultModules.
	Modules []string
}

// Result says what went into an initrd.
type Result struct {
	// KernelVersion is the kernel whose modules were packed.
	KernelVersion string
	// Modules are the packed module files, in load order.
	Modules []string
	// Missing are requested modules the kernel has neither as a module nor built in.
	Missing []string
}

// WriteFile builds the initrd into path (mode 0644, replaced atomically).
func WriteFile(path string, opts Options) (*Result, error) {
	var buf bytes.Buffer
	res, err := Build(&buf, opts)
	if err != nil {
		return nil, err
	}
	tmp := path + ".tmp"
	if err := os.WriteFile(tmp, buf.Bytes(), 0o644); err != nil {
		return nil, err
	}
	if err := os.Rename(tmp, path); err != nil {
		os.Remove(tmp)
		return nil, err
	}
	return res, nil
}

// Build writes the initrd to w.
func Build(w io.Writer, opts Options) (*Result, error) {
	opts, err := withDefaults(opts)
	if err != nil {
		return nil, err
	}
	modDir := filepath.Join(opts.ModulesRoot, opts.KernelVersion)
	idx, err := readModuleIndex(modDir)
	if err != nil {
		return nil, fmt.Errorf("modules of kernel %s: %w", opts.KernelVersion, err)
	}
	order, missing, err := idx.resolve(append(slices.Clone(RequiredModules), opts.Modules...))
	if err != nil {
		return nil, err
	}
	for _, m := range RequiredModules {
		if slices.Contains(missing, m) {
			return nil, fmt.Errorf("kernel %s has no %s, which the guest agent needs", opts.KernelVersion, m)
		}
	}
	zw := gzip.NewWriter(w)
	c := &cpioWriter{w: zw}
	if err := pack(c, opts, modDir, order); err != nil {
		return nil, err
	}
	if err := c.Close(); err != nil {
		return nil, err
	}
	if err := zw.Close(); err != nil {
		return nil, err
	}
	return &Result{KernelVersion: opts.KernelVersion, Modules: order, Missing: missing}, nil
}

// withDefaults fills in the defaults.
func withDefaults(o Options) (Options, error) {
	if o.AgentPath == "" {
		return o, fmt.Errorf("initrd: the hcs-agent binary is required")
	}
	if o.BusyboxPath == "" {
		o.BusyboxPath = "/bin/busybox"
	}
	if o.ModulesRoot == "" {
		o.ModulesRoot = "/lib/modules"
	}
	if o.KernelVersion == "" {
		var u unix.Utsname
		if err := unix.Uname(&u); err != nil {
			return o, err
		}
		o.KernelVersion = unix.ByteSliceToString(u.Release[:])
	}
	if o.Modules == nil {
		o.Modules = DefaultModules
	}
	return o, nil
}

// pack writes the directories, device nodes, agent, busybox and modules.
func pack(c *cpioWriter, o Options, modDir string, modules []string) error {
	for _, d := range []string{"bin", "dev", "etc", "etc/hcs", "lib", "lib/modules", "proc", "root", "run", "sys", "mnt"} {
		c.Dir(d, 0o755)
	}
	c.Dir("tmp", 0o1777)
	c.CharDev("dev/console", 0o600, 5, 1)
	c.CharDev("dev/null", 0o666, 1, 3)
	if err := addFile(c, "init", o.AgentPath, 0o755); err != nil {
		return err
	}
	if err := addBusybox(c, o.BusyboxPath); err != nil {
		return err
	}
	c.File("etc/passwd", 0o644, []byte("root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/nonexistent:/bin/false\n"))
	c.File("etc/group", 0o644, []byte("root:x:0:\nnogroup:x:65534:\n"))
	c.File("etc/hostname", 0o644, []byte("hcs-guest\n"))
	return addModules(c, o.KernelVersion, modDir, modules)
}

// addModules packs the module files under lib/modules/VERSION and lists them, as absolute
// guest paths, in etc/hcs/modules.
func addModules(c *cpioWriter, version, modDir string, modules []string) error {
	base := path.Join("lib/modules", version)
	dirs := map[string]bool{}
	var list strings.Builder
	for _, m := range modules {
		for d := path.Dir(path.Join(base, m)); d != "lib/modules"; d = path.Dir(d) {
			dirs[d] = true
		}
		list.WriteString("/" + path.Join(base, m) + "\n")
	}
	for _, d := range slices.Sorted(maps.Keys(dirs)) { // a parent sorts before its children
		c.Dir(d, 0o755)
	}
	for _, m := range modules {
		if err := addFile(c, path.Join(base, m), filepath.Join(modDir, m), 0o644); err != nil {
			return err
		}
	}
	c.File("etc/hcs/modules", 0o644, []byte(list.String()))
	return nil
}

// addFile packs the host file src as name.
func addFile(c *cpioWriter, name, src string, perm uint32) error {
	b, err := os.ReadFile(src)
	if err != nil {
		return err
	}
	c.File(name, perm, b)
	return nil
}

// addBusybox packs busybox as bin/busybox with a link per applet (except busybox itself,
// which would replace the binary).
func addBusybox(c *cpioWriter, bin string) error {
	if err := addFile(c, "bin/busybox", bin, 0o755); err != nil {
		return fmt.Errorf("busybox (Debian's busybox-static): %w", err)
	}
	out, err := exec.Command(bin, "--list").Output()
	if err != nil {
		return fmt.Errorf("%s --list: %w", bin, err)
	}
	for _, applet := range strings.Fields(string(out)) {
		if applet != "busybox" && !strings.Contains(applet, "/") {
			c.Symlink("bin/"+applet, "busybox")
		}
	}
	return nil
}
