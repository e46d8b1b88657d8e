package container

import (
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"golang.org/x/sys/unix"

	"github.com/linuxhcs/hcs/internal/procfs"
)

// reapStrays reaps the runtime's intermediate processes that already exited as this
// process's children: a runtime that detaches through a process of its own in a new session
// (crun) leaves it to this process, the subreaper (see New). They are told apart from any
// child this process runs by their name (the runtime binary's) and their session, which is
// not ours: the runtime's own invocations run in our session. Intermediates still alive are
// reaped through watchStarted. Only this process's children are looked at, not all of /proc:
// this runs on every container start.
func reapStrays(runtimePath string) {
	comm := filepath.Base(runtimePath)
	if len(comm) > 15 {
		comm = comm[:15] // the kernel's command name is truncated
	}
	ours, _ := unix.Getsid(0)
	for _, pid := range children() {
		if !isStray(pid, comm, ours) {
			continue
		}
		fd, err := unix.PidfdOpen(pid, 0)
		if err != nil {
			continue
		}
		if isStray(pid, comm, ours) { // still the same process: a zombie keeps its pid
			waitChild(fd)
		}
		unix.Close(fd)
	}
}

// children lists this process's children. A child is listed under the thread that forked
// it (or that adopted it as subreaper), so every thread's list is read.
func children() []int {
	lists, _ := filepath.Glob("/proc/self/task/*/children")
	var pids []int
	for _, list := range lists {
		b, _ := os.ReadFile(list)
		for _, field := range strings.Fields(string(b)) {
			if pid, err := strconv.Atoi(field); err == nil {
				pids = append(pids, pid)
			}
		}
	}
	return pids
}

// isStray reports whether the child pid has exited (a zombie), is named comm and runs in a
// session other than ours.
func isStray(pid int, comm string, ours int) bool {
	f := procfs.StatFields(pid) // state, ppid, pgrp, session, ...
	if len(f) < 4 || f[0] != "Z" || f[3] == strconv.Itoa(ours) {
		return false
	}
	name, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/comm")
	return err == nil && strings.TrimSpace(string(name)) == comm
}
