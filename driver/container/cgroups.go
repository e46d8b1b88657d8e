package container

import (
	"bufio"
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"
)

// cgroupRoot is where every supported layout mounts the cgroup filesystems.
const cgroupRoot = "/sys/fs/cgroup"

// CgroupLayout says how the host mounts cgroups.
type CgroupLayout struct {
	// Unified is true on a pure cgroup2 host: cgroup2 is mounted at /sys/fs/cgroup.
	Unified bool
	// Hybrid is true on a cgroup v1 host that also mounts cgroup2 at /sys/fs/cgroup/unified
	// (systemd's hybrid mode), where Debian's crun refuses to run.
	Hybrid bool
	// V1Controllers are the cgroup v1 controllers mounted under /sys/fs/cgroup, sorted; empty
	// on a unified host.
	V1Controllers []string
}

// v1Controllers are the cgroup v1 controller names the kernel knows. Other words in a cgroup
// mount's options (rw, xattr, name=systemd, ...) are options, not controllers.
var v1Controllers = map[string]bool{
	"blkio": true, "cpu": true, "cpuacct": true, "cpuset": true, "devices": true,
	"freezer": true, "hugetlb": true, "memory": true, "misc": true, "net_cls": true,
	"net_prio": true, "perf_event": true, "pids": true, "rdma": true,
}

// mountEntry is the part of a mountinfo line the layout depends on.
type mountEntry struct {
	point, fstype, superOpts string
}

// ParseCgroupLayout reads a mount table in /proc/<pid>/mountinfo form and reports the cgroup
// layout it shows. When a mount point appears more than once, the last (topmost) mount wins.
func ParseCgroupLayout(r io.Reader) (CgroupLayout, error) {
	top := map[string]mountEntry{}
	var order []string
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 0, 4096), 1<<20)
	for n := 1; sc.Scan(); n++ {
		e, err := parseMountinfoLine(sc.Text())
		if err != nil {
			return CgroupLayout{}, fmt.Errorf("mountinfo line %d: %w", n, err)
		}
		if e.point == cgroupRoot || strings.HasPrefix(e.point, cgroupRoot+"/") {
			if _, ok := top[e.point]; !ok {
				order = append(order, e.point)
			}
			top[e.point] = e
		}
	}
	if err := sc.Err(); err != nil {
		return CgroupLayout{}, fmt.Errorf("mountinfo: %w", err)
	}
	return layoutOf(top, order)
}

// layoutOf decides the layout from the topmost mounts at and below /sys/fs/cgroup.
func layoutOf(top map[string]mountEntry, order []string) (CgroupLayout, error) {
	root, ok := top[cgroupRoot]
	if !ok {
		return CgroupLayout{}, fmt.Errorf("no filesystem is mounted at %s", cgroupRoot)
	}
	if root.fstype == "cgroup2" {
		return CgroupLayout{Unified: true}, nil
	}
	var l CgroupLayout
	for _, p := range order {
		e := top[p]
		switch {
		case e.fstype == "cgroup2" && p == cgroupRoot+"/unified":
			l.Hybrid = true
		case e.fstype == "cgroup":
			l.V1Controllers = append(l.V1Controllers, controllersIn(e.superOpts)...)
		}
	}
	if len(l.V1Controllers) == 0 {
		return CgroupLayout{}, fmt.Errorf("%s is %s and holds no cgroup v1 controller", cgroupRoot, root.fstype)
	}
	slices.Sort(l.V1Controllers)
	l.V1Controllers = slices.Compact(l.V1Controllers)
	return l, nil
}

// controllersIn returns the controller names among a cgroup mount's super options.
func controllersIn(opts string) []string {
	var out []string
	for _, o := range strings.Split(opts, ",") {
		if v1Controllers[o] {
			out = append(out, o)
		}
	}
	return out
}

// parseMountinfoLine parses "id parent major:minor root point opts [optional...] - fstype
// source superopts". Fields are separated by single spaces (a field may be empty, as the
// source of some mounts is); spaces inside a field are escaped.
func parseMountinfoLine(line string) (mountEntry, error) {
	f := strings.Split(line, " ")
	sep := -1
	if len(f) > 6 {
		if i := slices.Index(f[6:], "-"); i >= 0 {
			sep = 6 + i
		}
	}
	if sep < 0 || len(f) < sep+4 {
		return mountEntry{}, fmt.Errorf("malformed entry %q", line)
	}
	point, err := unescapeMountinfo(f[4])
	if err != nil {
		return mountEntry{}, err
	}
	return mountEntry{point: point, fstype: f[sep+1], superOpts: f[sep+3]}, nil
}

// unescapeMountinfo undoes the kernel's octal escapes (\040 for a space, \011, \012, \134).
func unescapeMountinfo(s string) (string, error) {
	if !strings.Contains(s, `\`) {
		return s, nil
	}
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		if s[i] != '\\' {
			b.WriteByte(s[i])
			continue
		}
		if i+4 > len(s) {
			return "", fmt.Errorf("truncated escape in %q", s)
		}
		v, err := strconv.ParseUint(s[i+1:i+4], 8, 8)
		if err != nil {
			return "", fmt.Errorf("bad escape in %q", s)
		}
		b.WriteByte(byte(v))
		i += 3
	}
	return b.String(), nil
}
