package bench

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"golang.org/x/sys/unix"

	"github.com/linuxhcs/hcs/internal/testlayer"
)

// scratchRoot holds every directory the benchmarks make: state, bundles, writable layers.
var scratchRoot string

func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "hcs-bench-")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	scratchRoot = dir
	code := m.Run()
	if left := leftovers(); len(left) > 0 {
		fmt.Fprintf(os.Stderr, "the benchmarks left the host changed (now removed):\n  %s\n", strings.Join(left, "\n  "))
		code = 1
	}
	removeCgroups()
	testlayer.Cleanup()
	os.RemoveAll(scratchRoot)
	os.Exit(code)
}

// leftovers lists, and detaches, the overlay mounts under the scratch root, and lists the
// container cgroups still under the benchmark's parent. Each benchmark cleans up after
// itself; this only catches what a failed clean-up missed.
func leftovers() []string {
	var out []string
	mounts, _ := os.ReadFile("/proc/self/mountinfo")
	for _, line := range strings.Split(string(mounts), "\n") {
		f := strings.Fields(line)
		if len(f) > 4 && strings.HasPrefix(f[4], scratchRoot+"/") {
			out = append(out, "mount: "+f[4])
			unix.Unmount(f[4], unix.MNT_DETACH)
		}
	}
	for _, d := range cgroupDirs() {
		if !strings.HasSuffix(d, cgroupParent) {
			out = append(out, "cgroup: "+d)
		}
	}
	return out
}

// cgroupDirs lists the benchmark's cgroup parent and everything under it, in every
// hierarchy, deepest first.
func cgroupDirs() []string {
	var out []string
	for _, base := range []string{"/sys/fs/cgroup/*", "/sys/fs/cgroup"} {
		parent := filepath.Join(base, cgroupParent)
		out = append(out, sortedGlob(filepath.Join(parent, "*", "*"))...)
		out = append(out, sortedGlob(filepath.Join(parent, "*"))...)
		out = append(out, sortedGlob(parent)...)
	}
	var dirs []string
	for _, d := range out {
		if st, err := os.Stat(d); err == nil && st.IsDir() {
			dirs = append(dirs, d)
		}
	}
	return dirs
}

// removeCgroups removes the (by now empty) cgroups under the benchmark's parent and the
// parent itself.
func removeCgroups() {
	for _, d := range cgroupDirs() {
		os.Remove(d)
	}
}
