package main

import (
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"golang.org/x/sys/unix"

	"github.com/linuxhcs/hcs/guest/initrd"
)

// vmInitrdVerb builds the initramfs a VM boots with when hcs-agent is its init. It runs
// locally: it reads files and writes one, and needs no service.
var vmInitrdVerb = &verb{
	name:     "vm initrd",
	summary:  "build the initramfs of a VM guest",
	synopsis: []string{"hcsdiag vm initrd --out FILE [--kernel-version V] [--agent PATH]"},
	description: `Packs hcs-agent as the guest's /init, a static busybox and the kernel modules the agent
needs (virtio-serial, vsock, SCSI, ext4, ...) resolved with their dependencies from
/lib/modules/VERSION, into a gzip-compressed newc cpio archive. Use it as
Chipset.LinuxKernelDirect.InitRdPath of a VirtualMachine with a GuestConnection section,
next to the kernel of the same version.

The agent is hcs-agent next to hcsdiag unless --agent names another; busybox comes from
Debian's busybox-static. The kernel version defaults to the running kernel's when its
modules are installed, else to the newest installed kernel (such as Debian's
linux-image-cloud-amd64, the kernel for test VMs).`,
	opts: []option{
		{long: "out", short: 'o', arg: "FILE", help: "where to write the initramfs (required)"},
		{long: "kernel-version", arg: "V", help: "the kernel whose modules to pack"},
		{long: "agent", arg: "PATH", help: "the hcs-agent binary to use as /init"},
	},
	examples: `$ hcsdiag vm initrd --out /var/lib/hcs/guest.img --kernel-version 6.1.0-56-cloud-amd64`,
	maxArgs:  0,
	run: func(e *env, p *parsed) error {
		out := p.str("out")
		if out == "" {
			return usagef("--out is required")
		}
		agent := p.str("agent")
		if agent == "" {
			agent = besideSelf("hcs-agent")
		}
		res, err := initrd.WriteFile(out, initrd.Options{AgentPath: agent, KernelVersion: guestKernel(p.str("kernel-version"))})
		if err != nil {
			return err
		}
		fmt.Fprintf(e.stdout, "%s: kernel %s, %d modules\n", out, res.KernelVersion, len(res.Modules))
		if len(res.Missing) > 0 {
			fmt.Fprintf(e.stderr, "hcsdiag: vm initrd: modules not found (built in or missing): %s\n", strings.Join(res.Missing, ", "))
		}
		return nil
	},
}

// besideSelf returns name in the directory of the running binary.
func besideSelf(name string) string {
	exe, err := os.Executable()
	if err != nil {
		return name
	}
	return filepath.Join(filepath.Dir(exe), name)
}

// guestKernel returns the kernel version to pack modules of: the one asked for, the running
// kernel's when /lib/modules has it, else the newest installed.
func guestKernel(asked string) string {
	if asked != "" {
		return asked
	}
	var uts unix.Utsname
	if unix.Uname(&uts) == nil {
		running := unix.ByteSliceToString(uts.Release[:])
		if _, err := os.Stat(filepath.Join("/lib/modules", running, "modules.dep")); err == nil {
			return running
		}
	}
	deps, _ := filepath.Glob("/lib/modules/*/modules.dep")
	if len(deps) == 0 {
		return ""
	}
	sort.Strings(deps)
	return filepath.Base(filepath.Dir(deps[len(deps)-1]))
}
