package container

import (
	"slices"
	"sort"
)

// The system calls the default profile allows without looking at their arguments, grouped by
// what they do. Names are the kernel's; a name the runtime's libseccomp does not know, or one
// that does not exist on the native architecture, is skipped by the runtime. The 32-bit x86
// names at the end serve 32-bit programs on a 64-bit host.
//
// Left out on purpose, so they fail with EPERM: mount and the new mount API (fsopen, fsmount,
// fspick, fsconfig, move_mount, open_tree, mount_setattr), umount2, pivot_root, unshare and
// setns; kernel modules, kexec and reboot; swapon and swapoff;
// setting the clock (settimeofday, clock_settime, clock_adjtime, adjtimex, stime); bpf,
// perf_event_open, userfaultfd, io_uring; ptrace, process_vm_readv/writev, kcmp and
// pidfd_getfd, which read other processes; the kernel keyring (keyctl, add_key, request_key);
// open_by_handle_at and name_to_handle_at, which walk around the mount namespace; syslog,
// acct, quotactl, lookup_dcookie, fanotify_init, iopl, ioperm, modify_ldt, vm86, uselib,
// nfsservctl, and the long-removed module calls.
var (
	// Files, directories, descriptors and extended attributes.
	fileSyscalls = []string{
		"access", "chdir", "chmod", "chown", "chroot", "close", "close_range", "copy_file_range",
		"creat", "dup", "dup2", "dup3", "faccessat", "faccessat2", "fadvise64", "fallocate",
		"fchdir", "fchmod", "fchmodat", "fchmodat2", "fchown", "fchownat", "fcntl", "fdatasync",
		"flock", "fstat", "fstatfs", "fsync", "ftruncate", "futimesat", "getcwd", "getdents",
		"getdents64", "lchown", "link", "linkat", "lseek", "lstat", "mkdir", "mkdirat", "mknod",
		"mknodat", "newfstatat", "open", "openat", "openat2", "pipe", "pipe2", "pread64",
		"preadv", "preadv2", "pwrite64", "pwritev", "pwritev2", "read", "readahead", "readlink",
		"readlinkat", "readv", "rename", "renameat", "renameat2", "rmdir", "sendfile", "splice",
		"stat", "statfs", "statx", "symlink", "symlinkat", "sync", "sync_file_range", "syncfs",
		"tee", "truncate", "umask", "unlink", "unlinkat", "ustat", "utime", "utimensat",
		"utimes", "vmsplice", "write", "writev", "cachestat",
		"getxattr", "lgetxattr", "fgetxattr", "getxattrat", "setxattr", "lsetxattr",
		"fsetxattr", "setxattrat", "listxattr", "llistxattr", "flistxattr", "listxattrat",
		"removexattr", "lremovexattr", "fremovexattr", "removexattrat",
	}
	// Waiting for descriptors, event and timer descriptors, notification, asynchronous I/O.
	eventSyscalls = []string{
		"epoll_create", "epoll_create1", "epoll_ctl", "epoll_pwait", "epoll_pwait2",
		"epoll_wait", "eventfd", "eventfd2", "inotify_add_watch", "inotify_init",
		"inotify_init1", "inotify_rm_watch", "poll", "ppoll", "pselect6", "select", "signalfd",
		"signalfd4", "timerfd_create", "timerfd_gettime", "timerfd_settime", "ioctl",
		"io_cancel", "io_destroy", "io_getevents", "io_pgetevents", "io_setup", "io_submit",
	}
	// Memory of the calling process.
	memorySyscalls = []string{
		"brk", "get_mempolicy", "madvise", "map_shadow_stack", "mbind", "membarrier",
		"memfd_create", "mincore", "mlock", "mlock2", "mlockall", "mmap", "mprotect", "mremap",
		"mseal", "msync", "munlock", "munlockall", "munmap", "pkey_alloc", "pkey_free",
		"pkey_mprotect", "remap_file_pages", "set_mempolicy", "set_mempolicy_home_node",
	}
	// Processes, threads, credentials, scheduling and limits.
	processSyscalls = []string{
		"arch_prctl", "capget", "capset", "execve", "execveat", "exit", "exit_group", "fork",
		"futex", "futex_requeue", "futex_wait", "futex_waitv", "futex_wake", "get_robust_list",
		"get_thread_area", "getcpu", "getegid", "geteuid", "getgid", "getgroups", "getpgid",
		"getpgrp", "getpid", "getppid", "getpriority", "getrandom", "getresgid", "getresuid",
		"getrlimit", "getrusage", "getsid", "gettid", "getuid", "ioprio_get", "ioprio_set",
		"landlock_add_rule", "landlock_create_ruleset", "landlock_restrict_self",
		"pidfd_open", "pidfd_send_signal", "prctl", "prlimit64", "restart_syscall", "rseq",
		"sched_get_priority_max", "sched_get_priority_min", "sched_getaffinity",
		"sched_getattr", "sched_getparam", "sched_getscheduler", "sched_rr_get_interval",
		"sched_setaffinity", "sched_setattr", "sched_setparam", "sched_setscheduler",
		"sched_yield", "seccomp", "set_robust_list", "set_thread_area", "set_tid_address",
		"setdomainname", "setfsgid", "setfsuid", "setgid", "setgroups", "sethostname",
		"setpgid", "setpriority", "setregid", "setresgid", "setresuid", "setreuid",
		"setrlimit", "setsid", "setuid", "sysinfo", "times", "uname", "vfork", "wait4",
		"waitid",
	}
	// Signals.
	signalSyscalls = []string{
		"alarm", "kill", "pause", "rt_sigaction", "rt_sigpending", "rt_sigprocmask",
		"rt_sigqueueinfo", "rt_sigreturn", "rt_sigsuspend", "rt_sigtimedwait",
		"rt_tgsigqueueinfo", "sigaltstack", "tgkill", "tkill",
	}
	// Clocks, sleeping and timers (reading and using the clock, never setting it).
	timeSyscalls = []string{
		"clock_getres", "clock_gettime", "clock_nanosleep", "getitimer", "gettimeofday",
		"nanosleep", "setitimer", "time", "timer_create", "timer_delete", "timer_getoverrun",
		"timer_gettime", "timer_settime",
	}
	// Sockets (socket itself is filtered by address family) and System V and POSIX IPC.
	ipcSyscalls = []string{
		"accept", "accept4", "bind", "connect", "getpeername", "getsockname", "getsockopt",
		"listen", "recvfrom", "recvmmsg", "recvmsg", "sendmmsg", "sendmsg", "sendto",
		"setsockopt", "shutdown", "socketpair",
		"ipc", "msgctl", "msgget", "msgrcv", "msgsnd", "semctl", "semget", "semop",
		"semtimedop", "shmat", "shmctl", "shmdt", "shmget",
		"mq_getsetattr", "mq_notify", "mq_open", "mq_timedreceive", "mq_timedsend", "mq_unlink",
	}
	// The 32-bit x86 (and other 32-bit ABI) variants of calls above: 32-bit ids, 64-bit file
	// offsets and 64-bit times.
	compat32Syscalls = []string{
		"_llseek", "_newselect", "chown32", "fadvise64_64", "fchown32", "fcntl64", "fstat64",
		"fstatat64", "fstatfs64", "ftruncate64", "getegid32", "geteuid32", "getgid32",
		"getgroups32", "getresgid32", "getresuid32", "getuid32", "lchown32", "lstat64",
		"mmap2", "nice", "recv", "send", "sendfile64", "setfsgid32", "setfsuid32", "setgid32",
		"setgroups32", "setregid32", "setresgid32", "setresuid32", "setreuid32", "setuid32",
		"sigaction", "signal", "sigpending", "sigprocmask", "sigreturn", "sigsuspend", "stat64",
		"statfs64", "truncate64", "ugetrlimit", "waitpid",
		"clock_getres_time64", "clock_gettime64", "clock_nanosleep_time64", "futex_time64",
		"io_pgetevents_time64", "mq_timedreceive_time64", "mq_timedsend_time64",
		"ppoll_time64", "pselect6_time64", "recvmmsg_time64", "rt_sigtimedwait_time64",
		"sched_rr_get_interval_time64", "semtimedop_time64", "timer_gettime64",
		"timer_settime64", "timerfd_gettime64", "timerfd_settime64", "utimensat_time64",
	}
)

// allowedSyscalls returns every unconditionally allowed call, sorted, in a new slice.
func allowedSyscalls() []string {
	all := slices.Concat(fileSyscalls, eventSyscalls, memorySyscalls, processSyscalls,
		signalSyscalls, timeSyscalls, ipcSyscalls, compat32Syscalls)
	sort.Strings(all)
	return slices.Compact(all)
}
