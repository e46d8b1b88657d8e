// Package procfs reads the few facts the drivers need about host processes from /proc.
package procfs

import (
	"os"
	"strconv"
	"strings"
)

// StatFields returns the fields of /proc/PID/stat after the command name, so that index 0 is
// field 3 (state) of proc(5); nil when the process does not exist. The command name is
// skipped by its last ')', since it may itself hold spaces and parentheses.
func StatFields(pid int) []string {
	b, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/stat")
	if err != nil {
		return nil
	}
	s := string(b)
	i := strings.LastIndexByte(s, ')')
	if i < 0 {
		return nil
	}
	return strings.Fields(s[i+1:])
}

// StartTime returns a process's start time in clock ticks after boot (field 22), or 0 when
// the process does not exist. With the pid it identifies a process across pid reuse.
func StartTime(pid int) uint64 { return startOf(StatFields(pid)) }

// Alive reports whether the process pid that started at start (clock ticks, as StartTime
// gives) still runs: it exists, is the same process, and has not exited. A process that has
// exited but whose parent has not reaped it yet (a zombie, state Z or X) is not alive.
func Alive(pid int, start uint64) bool {
	f := StatFields(pid)
	return start != 0 && startOf(f) == start && f[0] != "Z" && f[0] != "X"
}

// startOf returns the start time from StatFields' fields, 0 when they are too few.
func startOf(f []string) uint64 {
	if len(f) < 20 {
		return 0
	}
	v, _ := strconv.ParseUint(f[19], 10, 64)
	return v
}
