package hcsdtest

import (
	"fmt"
	"io/fs"
	"maps"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
)

// Census counts what belongs to the service on the host, each thing as one line: mounts
// that name its directories, cgroups under its cgroup parent, its runtimes' containers and
// state, processes in its cgroups or naming its directories, the agent sockets, the files of
// its state directory and hcsd's own descriptors by kind. Two censuses of an idle service
// taken before and after some work must be equal: anything else was left behind.
type Census map[string]int

// Census takes the service's census now. extra names more directories whose mounts count
// (a test's layers, for example).
func (d *Daemon) Census(extra ...string) Census {
	c := Census{}
	dirs := append([]string{d.Base, d.AgentDir}, extra...)
	d.countMounts(c, dirs)
	d.countCgroups(c)
	d.countRuntimes(c)
	d.countProcesses(c, dirs)
	countFiles(c, "agent socket", d.AgentDir)
	countFiles(c, "state", d.StateDir)
	if pid := d.Pid(); pid > 0 {
		countDescriptors(c, pid)
	}
	return c
}

// Diff lists, as "+ line" and "- line", what c has that before does not, and the reverse.
func (c Census) Diff(before Census) []string {
	var diff []string
	for k, n := range c {
		if m := before[k]; n > m {
			diff = append(diff, fmt.Sprintf("+ %s (%d more)", k, n-m))
		}
	}
	for k, m := range before {
		if n := c[k]; m > n {
			diff = append(diff, fmt.Sprintf("- %s (%d fewer)", k, m-n))
		}
	}
	slices.Sort(diff)
	return diff
}

// countMounts counts the mount points below dirs and the mounts whose options name them
// (overlay layers, for example).
func (d *Daemon) countMounts(c Census, dirs []string) {
	b, _ := os.ReadFile("/proc/self/mountinfo")
	for _, line := range strings.Split(string(b), "\n") {
		f := strings.Fields(line)
		if len(f) < 5 {
			continue
		}
		for _, dir := range dirs {
			if below(f[4], dir) || strings.Contains(line, dir+"/") {
				c["mount "+f[4]]++
				break
			}
		}
	}
}

// below reports whether path is dir or inside it.
func below(path, dir string) bool { return path == dir || strings.HasPrefix(path, dir+"/") }

// countCgroups counts every cgroup below the service's cgroup parent, in each hierarchy.
func (d *Daemon) countCgroups(c Census) {
	for _, dir := range d.cgroupDirs() {
		filepath.WalkDir(dir, func(path string, e fs.DirEntry, err error) error {
			if err == nil && e.IsDir() && path != dir {
				c["cgroup "+path]++
			}
			return nil
		})
	}
}

// countRuntimes counts the containers each runtime lists under the service's runtime root,
// and the entries of its state directories (which a runtime may leave without listing them).
func (d *Daemon) countRuntimes(c Census) {
	for _, rt := range []string{"runc", "crun"} {
		root := filepath.Join(d.RuntimeRoot, rt)
		out, _ := exec.Command(rt, "--root", root, "list", "-q").Output()
		for _, id := range strings.Fields(string(out)) {
			c[rt+" container "+id]++
		}
		entries, _ := os.ReadDir(root)
		for _, e := range entries {
			c[rt+" state "+e.Name()]++
		}
	}
}

// countProcesses counts the processes, other than hcsd, that run in the service's cgroups
// or whose command line names one of dirs.
func (d *Daemon) countProcesses(c Census, dirs []string) {
	procs, _ := filepath.Glob("/proc/[0-9]*")
	self := d.Pid()
	for _, p := range procs {
		pid, _ := strconv.Atoi(filepath.Base(p))
		if pid == self || pid == os.Getpid() {
			continue
		}
		cmdline, err := os.ReadFile(p + "/cmdline")
		if err != nil || len(cmdline) == 0 {
			continue // gone, or a kernel thread
		}
		cgroups, _ := os.ReadFile(p + "/cgroup")
		cmd := strings.ReplaceAll(strings.TrimRight(string(cmdline), "\x00"), "\x00", " ")
		if strings.Contains(string(cgroups), d.Cgroup+"/") || namesAny(cmd, dirs) {
			c[fmt.Sprintf("process %d %s", pid, cmd)]++
		}
	}
}

func namesAny(s string, dirs []string) bool {
	return slices.ContainsFunc(dirs, func(dir string) bool { return strings.Contains(s, dir) })
}

// countFiles counts every file and directory below dir, by path relative to it.
func countFiles(c Census, what, dir string) {
	filepath.WalkDir(dir, func(path string, e fs.DirEntry, err error) error {
		if err == nil && path != dir {
			rel, _ := filepath.Rel(dir, path)
			c[what+" "+rel]++
		}
		return nil
	})
}

// numbered matches the inode or id part of a descriptor's link, like "socket:[123]".
var numbered = regexp.MustCompile(`:\[\d+\]$`)

// countDescriptors counts pid's open descriptors by what they point at, with socket and pipe
// numbers left out so that two processes' censuses compare.
func countDescriptors(c Census, pid int) {
	fds, _ := os.ReadDir(fmt.Sprintf("/proc/%d/fd", pid))
	for _, fd := range fds {
		link, err := os.Readlink(fmt.Sprintf("/proc/%d/fd/%s", pid, fd.Name()))
		if err == nil {
			c["hcsd descriptor "+numbered.ReplaceAllString(link, "")]++
		}
	}
}

// Len returns the number of things counted.
func (c Census) Len() int {
	n := 0
	for _, k := range c {
		n += k
	}
	return n
}

// Summary counts the things by kind (the first word of each line): "3 mount, 12 state".
func (c Census) Summary() string {
	kinds := map[string]int{}
	for line, n := range c {
		kind, _, _ := strings.Cut(line, " ")
		kinds[kind] += n
	}
	var parts []string
	for _, kind := range slices.Sorted(maps.Keys(kinds)) {
		parts = append(parts, fmt.Sprintf("%d %s", kinds[kind], kind))
	}
	return strings.Join(parts, ", ")
}
