package container

import (
	"errors"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"golang.org/x/sys/unix"
)

// cgroupDrainPatience bounds the wait for killed processes to leave an unclaimed cgroup.
const cgroupDrainPatience = 5 * time.Second

// sweepCgroups removes the cgroups below the driver's parent named by traces (see
// unclaimedTraces): what a container left when even its runtime entry is gone. The
// processes still in one are killed first, since nothing else knows of them any more.
func (d *Driver) sweepCgroups(traces map[string]bool) error {
	var errs []error
	for _, parent := range d.cgroupParentDirs() {
		entries, _ := os.ReadDir(parent)
		for _, e := range entries {
			if e.IsDir() && traces[e.Name()] {
				d.log.Warn("removing a cgroup no record claims, killing what runs in it", "cgroup", filepath.Join(parent, e.Name()))
				errs = append(errs, removeCgroup(filepath.Join(parent, e.Name())))
			}
		}
	}
	return errors.Join(errs...)
}

// removeCgroups removes the cgroups of the container the runtime knows as rid, in every
// hierarchy, killing what is left in them. The runtime's delete removes them; a runtime that
// died while making the container leaves them without an entry to delete.
func (d *Driver) removeCgroups(rid string) error {
	var errs []error
	for _, parent := range d.cgroupParentDirs() {
		dir := filepath.Join(parent, rid)
		if _, err := os.Stat(dir); err == nil {
			d.log.Warn("removing a cgroup the runtime left", "cgroup", dir)
			errs = append(errs, removeCgroup(dir))
		}
	}
	return errors.Join(errs...)
}

// cgroupParentDirs returns the driver's cgroup parent in every mounted hierarchy.
func (d *Driver) cgroupParentDirs() []string {
	dirs, _ := filepath.Glob(filepath.Join(cgroupRoot, "*", d.opts.CgroupParent))
	if unified := filepath.Join(cgroupRoot, d.opts.CgroupParent); d.cgroups.Unified {
		dirs = append(dirs, unified)
	}
	return dirs
}

// removeCgroup kills every process in the cgroup tree at dir, thawing it so they can die,
// and removes the tree once empty, innermost first.
func removeCgroup(dir string) error {
	subs, _ := os.ReadDir(dir)
	var errs []error
	for _, s := range subs {
		if s.IsDir() {
			errs = append(errs, removeCgroup(filepath.Join(dir, s.Name())))
		}
	}
	deadline := time.Now().Add(cgroupDrainPatience)
	for killAll(dir) && time.Now().Before(deadline) {
		time.Sleep(20 * time.Millisecond)
	}
	if err := unix.Rmdir(dir); err != nil && !errors.Is(err, unix.ENOENT) {
		errs = append(errs, err)
	}
	return errors.Join(errs...)
}

// killAll sends SIGKILL to every process in the cgroup at dir (thawing a frozen one) and
// reports whether any was found.
func killAll(dir string) bool {
	b, _ := os.ReadFile(filepath.Join(dir, "cgroup.procs"))
	pids := strings.Fields(string(b))
	for _, p := range pids {
		if pid, err := strconv.Atoi(p); err == nil {
			unix.Kill(pid, unix.SIGKILL)
		}
	}
	if len(pids) > 0 {
		thaw(dir)
	}
	return len(pids) > 0
}

// thaw unfreezes the cgroup at dir through whichever freezer its hierarchy has (freezer.state
// on cgroup v1, cgroup.freeze on cgroup2); a file the hierarchy lacks is not there to write.
func thaw(dir string) {
	os.WriteFile(filepath.Join(dir, "freezer.state"), []byte("THAWED"), 0)
	os.WriteFile(filepath.Join(dir, "cgroup.freeze"), []byte("0"), 0)
}

// thawCgroups unfreezes the container rid without the runtime: a runtime killed in the
// middle of pause may leave it frozen (or freezing) with no record of it. Only the hierarchy
// that freezes needs it: the v1 freezer, or the unified one.
func (d *Driver) thawCgroups(rid string) {
	dir := filepath.Join(cgroupRoot, d.cgroupPath(rid))
	if !d.cgroups.Unified {
		dir = filepath.Join(cgroupRoot, "freezer", d.cgroupPath(rid))
	}
	thaw(dir)
}
