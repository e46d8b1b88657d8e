package container

import (
	"runtime"
	"slices"

	specs "github.com/opencontainers/runtime-spec/specs-go"
)

// Values the profile's rules test.
const (
	errnoEPERM  = 1
	errnoENOSYS = 38

	// cloneNamespaceFlags is CLONE_NEWNS | CLONE_NEWCGROUP | CLONE_NEWUTS | CLONE_NEWIPC |
	// CLONE_NEWUSER | CLONE_NEWPID | CLONE_NEWNET. (CLONE_NEWTIME shares its bit with the exit
	// signal in clone's flags and can be given only to clone3 and unshare, both refused.)
	cloneNamespaceFlags = 0x00020000 | 0x02000000 | 0x04000000 | 0x08000000 | 0x10000000 | 0x20000000 | 0x40000000

	afALG   = 38
	afVSOCK = 40
)

// personalities are the personality(2) arguments allowed: PER_LINUX, PER_LINUX32, UNAME26,
// UNAME26|PER_LINUX32, and 0xffffffff, which only queries.
var personalities = []uint64{0x0, 0x8, 0x20000, 0x20008, 0xffffffff}

// seccompArchitectures are the system-call ABIs a process of the native architecture may use.
// Calls of any other ABI kill the process.
var seccompArchitectures = map[string][]specs.Arch{
	"amd64":   {specs.ArchX86_64, specs.ArchX86, specs.ArchX32},
	"386":     {specs.ArchX86},
	"arm64":   {specs.ArchAARCH64, specs.ArchARM},
	"arm":     {specs.ArchARM},
	"ppc64le": {specs.ArchPPC64LE},
	"s390x":   {specs.ArchS390X, specs.ArchS390},
	"riscv64": {specs.ArchRISCV64},
}

// DefaultSeccomp returns the default seccomp profile for the architecture the service is
// built for. Each call returns a new value that the caller may change.
//
// The profile denies by default: a system call that is not listed fails with EPERM. An
// allowlist is the posture runc, containerd and moby ship, and it is the safer of the two
// choices: a system call the kernel adds tomorrow (the way io_uring, userfaultfd and open_tree
// arrived) is denied until someone decides it is safe, where a denylist would let it through.
// The cost is keeping the list complete for ordinary programs, which seccomp_syscalls.go does
// by naming the calls libc, Go and common tools use.
//
// The container's init is our agent, and everything in the container descends from it, so the
// profile must allow what the agent needs: fork and exec, setuid/setgid/setgroups, setsid and
// TIOCSCTTY for consoles, prctl (child subreaper), wait4/waitid, kill, pidfds, epoll and unix
// sockets with SCM_RIGHTS. It needs no mount, namespace or module call.
//
// A few calls are allowed only with safe arguments:
//
//   - clone without any namespace flag. Creating namespaces needs CAP_SYS_ADMIN, which the
//     container lacks, but user namespaces do not, and they have been the door to most recent
//     kernel privilege escalations.
//   - clone3 fails with ENOSYS: its flags sit in memory where seccomp cannot see them, and
//     ENOSYS makes glibc and Go fall back to clone, which is checked.
//   - personality only for the ordinary values (Linux, 32-bit Linux, uname26, and the query).
//   - socket for every address family except AF_ALG (kernel crypto, a long line of kernel
//     bugs) and AF_VSOCK: hosts that run VMs serve guest agents over vsock, and containers must
//     not reach them. socketcall, the 32-bit x86 multiplexer whose arguments seccomp cannot
//     read, is therefore not allowed at all: a 32-bit program must use the direct socket
//     calls (Linux 4.3 and later have them), or its socket calls fail with EPERM.
//
// runc also makes calls newer than any the profile names fail with ENOSYS instead of EPERM, so
// libraries fall back as they would on an older kernel.
func DefaultSeccomp() *specs.LinuxSeccomp {
	eperm := uint(errnoEPERM)
	return &specs.LinuxSeccomp{
		DefaultAction:   specs.ActErrno,
		DefaultErrnoRet: &eperm,
		Architectures:   slices.Clone(seccompArchitectures[runtime.GOARCH]),
		Syscalls:        seccompRules(),
	}
}

// seccompRules lists the allowed calls, then the calls allowed only with some arguments.
func seccompRules() []specs.LinuxSyscall {
	enosys := uint(errnoENOSYS)
	rules := []specs.LinuxSyscall{
		{Names: allowedSyscalls(), Action: specs.ActAllow},
		{Names: []string{"clone"}, Action: specs.ActAllow, Args: []specs.LinuxSeccompArg{
			{Index: cloneFlagsArg(), Value: cloneNamespaceFlags, ValueTwo: 0, Op: specs.OpMaskedEqual},
		}},
		{Names: []string{"clone3"}, Action: specs.ActErrno, ErrnoRet: &enosys},
	}
	for _, p := range personalities {
		rules = append(rules, allowIf("personality", p, specs.OpEqualTo))
	}
	// Three ranges, because the rules of one call are alternatives: below AF_ALG, between
	// AF_ALG and AF_VSOCK, and above AF_VSOCK.
	rules = append(rules,
		allowIf("socket", afALG, specs.OpLessThan),
		allowIf("socket", afALG+1, specs.OpEqualTo),
		allowIf("socket", afVSOCK, specs.OpGreaterThan),
	)
	return rules
}

// allowIf allows the call when its first argument compares to value as op says.
func allowIf(name string, value uint64, op specs.LinuxSeccompOperator) specs.LinuxSyscall {
	return specs.LinuxSyscall{
		Names:  []string{name},
		Action: specs.ActAllow,
		Args:   []specs.LinuxSeccompArg{{Index: 0, Value: value, Op: op}},
	}
}

// cloneFlagsArg is the index of clone's flags argument: the first, except on s390, where the
// first two arguments are swapped.
func cloneFlagsArg() uint {
	if runtime.GOARCH == "s390x" {
		return 1
	}
	return 0
}
