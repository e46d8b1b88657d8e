package container

import (
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"golang.org/x/sys/unix"
)

// reapStrays reaps the runtime's intermediate processes that already exited as this
// process's children: a runtime that detaches through a process of its own in a new session
// (crun) leaves it to this process, the subreaper (see New). They are told apart from any
// child this process runs by their name (the runtime binary's) and their session, which is
// not ours: the runtime's own invocations run in our session. Intermediates still alive are
// reaped through watchStarted.
func reapStrays(runtimePath string) {
	comm := filepath.Base(runtimePath)
	if len(comm) > 15 {
		comm = comm[:15] // the kernel's command name is truncated
	}
	ours, _ := unix.Getsid(0)
	self := strconv.Itoa(unix.Getpid())
	stats, _ := filepath.Glob("/proc/[0-9]*/stat")
	for _, path := range stats {
		pid, err := strconv.Atoi(filepath.Base(filepath.Dir(path)))
		if err != nil || !isStray(pid, comm, self, ours) {
			continue
		}
		fd, err := unix.PidfdOpen(pid, 0)
		if err != nil {
			continue
		}
		if isStray(pid, comm, self, ours) { // still the same process: a zombie keeps its pid
			waitChild(fd)
		}
		unix.Close(fd)
	}
}

// isStray reports whether pid is an exited child of this process (pid self) named comm in a
// session other than ours.
func isStray(pid int, comm, self string, ours int) bool {
	b, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/stat")
	if err != nil {
		return false
	}
	stat := string(b)
	i := strings.LastIndexByte(stat, ')')
	if i < 0 || !strings.HasPrefix(stat, strconv.Itoa(pid)+" ("+comm+")") {
		return false
	}
	f := strings.Fields(stat[i+1:]) // state, ppid, pgrp, session, ...
	return len(f) > 3 && f[0] == "Z" && f[1] == self && f[3] != strconv.Itoa(ours)
}
