package container_test

import (
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
)

// mountsUnder lists the mount points at or below dir, from this process's mount table (the
// host's: the tests run in the host's mount namespace).
func mountsUnder(dir string) []string {
	if dir == "" {
		return nil
	}
	b, err := os.ReadFile("/proc/self/mountinfo")
	if err != nil {
		return []string{"reading mountinfo: " + err.Error()}
	}
	var out []string
	for _, line := range strings.Split(string(b), "\n") {
		f := strings.Fields(line)
		if len(f) < 5 {
			continue
		}
		mp := unescapeMountPath(f[4])
		if mp == dir || strings.HasPrefix(mp, dir+"/") {
			out = append(out, mp)
		}
	}
	return out
}

// unescapeMountPath undoes the octal escapes (\040 for a space, ...) of mountinfo paths.
func unescapeMountPath(s string) string {
	if !strings.Contains(s, `\`) {
		return s
	}
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		if s[i] == '\\' && i+3 < len(s) {
			if v, err := strconv.ParseUint(s[i+1:i+4], 8, 8); err == nil {
				b.WriteByte(byte(v))
				i += 3
				continue
			}
		}
		b.WriteByte(s[i])
	}
	return b.String()
}

// isMountPoint reports whether path is a mount point in this process's mount table.
func isMountPoint(path string) bool {
	for _, mp := range mountsUnder(path) {
		if mp == path {
			return true
		}
	}
	return false
}

// containerCgroups lists the cgroup directories, in every hierarchy, of the container whose
// runtime id is rid, or of every container of this run when rid is empty.
func containerCgroups(rid string) []string {
	pattern := filepath.Join("/sys/fs/cgroup/*", cgroupParent, "*")
	if rid != "" {
		pattern = filepath.Join("/sys/fs/cgroup/*", cgroupParent, rid)
	}
	dirs, _ := filepath.Glob(pattern)
	var out []string
	for _, d := range dirs {
		if st, err := os.Stat(d); err == nil && st.IsDir() {
			out = append(out, d)
		}
	}
	return out
}

// hostProcess is a process seen in the host's /proc.
type hostProcess struct {
	pid    int
	exe    string // target of /proc/<pid>/exe, e.g. "/memfd:hcs-agent (deleted)"
	cgroup string // the first cgroup path that placed it among our containers
	state  string // the state letter of /proc/<pid>/stat: R, S, D, Z, ...
	ppid   int
}

func (p hostProcess) String() string {
	return fmt.Sprintf("pid %d (state %s, parent %d) exe %q cgroup %q", p.pid, p.state, p.ppid, p.exe, p.cgroup)
}

// reapedElsewhere reports whether the process has exited and waits only for a parent other
// than this test process to collect it. A container's init is reparented to the host's init
// once the runtime returns, and the host's init reaps it in its own time; that is no
// resource of ours.
func (p hostProcess) reapedElsewhere() bool { return p.state == "Z" && p.ppid != os.Getpid() }

// isAgent reports whether the process runs hcs-agent from the driver's sealed memfd.
func (p hostProcess) isAgent() bool { return strings.Contains(p.exe, "memfd:hcs-agent") }

// containerProcesses lists the processes in the cgroups of the container whose runtime id
// is rid (of every container of this run when rid is empty). Every process of a container
// is in its cgroups: the runtime puts the init there and children inherit them.
func containerProcesses(rid string) []hostProcess {
	prefix := cgroupParent + "/" + rid
	entries, _ := os.ReadDir("/proc")
	var out []hostProcess
	for _, e := range entries {
		pid, err := strconv.Atoi(e.Name())
		if err != nil || pid == os.Getpid() {
			continue
		}
		dir := filepath.Join("/proc", e.Name())
		p := hostProcess{pid: pid}
		p.cgroup = matchingCgroup(filepath.Join(dir, "cgroup"), prefix)
		if p.cgroup == "" {
			continue
		}
		p.exe, _ = os.Readlink(filepath.Join(dir, "exe"))
		p.state, p.ppid = procStat(filepath.Join(dir, "stat"))
		out = append(out, p)
	}
	return out
}

// procStat reads the state and parent pid from a /proc/<pid>/stat file.
func procStat(file string) (state string, ppid int) {
	b, err := os.ReadFile(file)
	if err != nil {
		return "?", 0
	}
	// pid (comm) state ppid ...; comm may hold spaces and parentheses.
	rest := string(b[strings.LastIndexByte(string(b), ')')+1:])
	f := strings.Fields(rest)
	if len(f) < 2 {
		return "?", 0
	}
	ppid, _ = strconv.Atoi(f[1])
	return f[0], ppid
}

// matchingCgroup returns the first path in a /proc/<pid>/cgroup file that starts with
// prefix, or "".
func matchingCgroup(file, prefix string) string {
	b, err := os.ReadFile(file)
	if err != nil {
		return ""
	}
	for _, line := range strings.Split(string(b), "\n") {
		// hierarchy-ID:controller-list:cgroup-path
		parts := strings.SplitN(line, ":", 3)
		if len(parts) == 3 && strings.HasPrefix(parts[2], prefix) {
			return parts[2]
		}
	}
	return ""
}

// openFiles lists this process's open descriptors with what they refer to.
func openFiles() map[string]string {
	entries, _ := os.ReadDir("/proc/self/fd")
	out := map[string]string{}
	for _, e := range entries {
		target, err := os.Readlink(filepath.Join("/proc/self/fd", e.Name()))
		if err == nil { // the descriptor ReadDir itself used is gone by now
			out[e.Name()] = target
		}
	}
	return out
}
