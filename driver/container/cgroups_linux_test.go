package container

import (
	"testing"

	"golang.org/x/sys/unix"
)

// TestDetectCgroupLayoutHost compares the mount-table answer with what statfs says about
// /sys/fs/cgroup and /sys/fs/cgroup/unified on this host.
func TestDetectCgroupLayoutHost(t *testing.T) {
	l, err := DetectCgroupLayout()
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("layout %+v", l)
	unified := isCgroup2(cgroupRoot)
	if l.Unified != unified {
		t.Errorf("Unified = %v, but statfs says cgroup2 at %s is %v", l.Unified, cgroupRoot, unified)
	}
	if unified {
		return
	}
	if hybrid := isCgroup2(cgroupRoot + "/unified"); l.Hybrid != hybrid {
		t.Errorf("Hybrid = %v, but statfs says cgroup2 at %s/unified is %v", l.Hybrid, cgroupRoot, hybrid)
	}
	for _, c := range l.V1Controllers {
		if c == "memory" || c == "pids" {
			return
		}
	}
	t.Errorf("V1Controllers %v has neither memory nor pids", l.V1Controllers)
}

// isCgroup2 reports whether path is the root of a cgroup2 filesystem.
func isCgroup2(path string) bool {
	var st unix.Statfs_t
	if err := unix.Statfs(path, &st); err != nil {
		return false
	}
	return st.Type == unix.CGROUP2_SUPER_MAGIC
}
