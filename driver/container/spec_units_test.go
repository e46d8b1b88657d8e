package container

import (
	"slices"
	"strings"
	"testing"
)

// TestSharesFromWeight checks the ends of the mapping, that it grows with the weight, and that
// the cgroup2 conversion of runc 1.1 and crun 1.8 gives the HCS weight back exactly.
func TestSharesFromWeight(t *testing.T) {
	if got := sharesFromWeight(1); got != minShares {
		t.Errorf("weight 1 → %d shares, want %d", got, minShares)
	}
	if got := sharesFromWeight(maxProcessorValue); got != maxShares {
		t.Errorf("weight 10000 → %d shares, want %d", got, maxShares)
	}
	prev := uint64(0)
	for w := int64(1); w <= maxProcessorValue; w++ {
		s := sharesFromWeight(w)
		if s <= prev || s < minShares || s > maxShares {
			t.Fatalf("weight %d → %d shares (previous %d)", w, s, prev)
		}
		prev = s
		if v2 := 1 + (s-2)*9999/262142; v2 != uint64(w) {
			t.Fatalf("weight %d → %d shares → cgroup2 weight %d", w, s, v2)
		}
	}
}

func TestHostnameFromID(t *testing.T) {
	cases := map[string]string{
		"2b1c3a4e-5f60-4718-9a2b-3c4d5e6f7081": "2b1c3a4e-5f60-4718-9a2b-3c4d5e6f7081",
		"web_01.example":                       "web-01-example",
		"--x--":                                "x",
		"":                                     fallbackHostname,
		"___":                                  fallbackHostname,
		"été":                                  "t",
		strings.Repeat("a", 70):                strings.Repeat("a", 63),
		strings.Repeat("a", 62) + "_b":         strings.Repeat("a", 62),
	}
	for id, want := range cases {
		got := hostnameFromID(id)
		if got != want {
			t.Errorf("hostnameFromID(%q) = %q, want %q", id, got, want)
		}
		if why := hostnameProblem(got); why != "" {
			t.Errorf("hostnameFromID(%q) = %q, which is invalid: %s", id, got, why)
		}
	}
}

// TestSeccompAllowlist checks the profile against the calls the agent needs and the calls
// that must never be allowed unconditionally.
func TestSeccompAllowlist(t *testing.T) {
	allowed := allowedSyscalls()
	if !slices.IsSorted(allowed) || len(slices.Compact(slices.Clone(allowed))) != len(allowed) {
		t.Error("the allowlist is not sorted and unique")
	}
	needed := []string{
		"execve", "wait4", "waitid", "setsid", "setuid", "setgid", "setgroups", "ioctl",
		"prctl", "kill", "sendmsg", "recvmsg", "openat", "pidfd_open", "pidfd_send_signal",
		"epoll_pwait", "futex", "rt_sigaction", "mmap", "exit_group", "faccessat2", "statx",
	}
	for _, name := range needed {
		if !slices.Contains(allowed, name) {
			t.Errorf("%s is not allowed", name)
		}
	}
	refused := []string{
		"mount", "umount2", "pivot_root", "unshare", "setns", "keyctl", "add_key",
		"request_key", "bpf", "perf_event_open", "ptrace", "process_vm_readv",
		"process_vm_writev", "userfaultfd", "open_by_handle_at", "name_to_handle_at",
		"kexec_load", "kexec_file_load", "init_module", "finit_module", "delete_module",
		"reboot", "swapon", "swapoff", "syslog", "acct", "quotactl", "lookup_dcookie", "iopl",
		"ioperm", "settimeofday", "clock_settime", "clock_adjtime", "adjtimex", "stime", "kcmp",
		"fanotify_init", "move_mount", "open_tree", "fsopen", "fsmount", "fspick", "fsconfig",
		"mount_setattr", "io_uring_setup", "io_uring_enter", "io_uring_register", "vm86",
		"vm86old", "uselib", "nfsservctl", "create_module", "get_kernel_syms", "query_module",
		"modify_ldt", "pidfd_getfd", "socketcall",
		// Allowed only with checked arguments, never unconditionally.
		"clone", "clone3", "personality", "socket",
	}
	for _, name := range refused {
		if slices.Contains(allowed, name) {
			t.Errorf("%s is allowed unconditionally", name)
		}
	}
}

// TestBuildSpecFreshValues makes sure a caller that changes one spec does not change the next.
func TestBuildSpecFreshValues(t *testing.T) {
	in := validInput()
	a, err := BuildSpec(in)
	if err != nil {
		t.Fatal(err)
	}
	a.Process.Args[0] = "changed"
	a.Process.Capabilities.Bounding[0] = "CAP_SYS_ADMIN"
	a.Linux.Seccomp.Syscalls[0].Names[0] = "mount"
	a.Linux.Seccomp.Architectures = append(a.Linux.Seccomp.Architectures[:0], "SCMP_ARCH_ARM")
	b, err := BuildSpec(in)
	if err != nil {
		t.Fatal(err)
	}
	if in.Args[0] == "changed" || b.Process.Args[0] == "changed" {
		t.Error("the spec shares Args with the input")
	}
	if b.Process.Capabilities.Bounding[0] == "CAP_SYS_ADMIN" || b.Process.Capabilities.Effective[0] == "CAP_SYS_ADMIN" {
		t.Error("specs share their capability lists")
	}
	if b.Linux.Seccomp.Syscalls[0].Names[0] == "mount" {
		t.Error("specs share their seccomp lists")
	}
	if len(b.Linux.Seccomp.Architectures) > 0 && b.Linux.Seccomp.Architectures[0] == "SCMP_ARCH_ARM" {
		t.Error("specs share their seccomp architectures")
	}
}
