// Package container_test runs real containers (runc and crun, busybox layer, hcs-agent as
// init) through the public client API over an embedded host, and checks that the host is
// left exactly as it was found. It needs root.
package container_test

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"golang.org/x/sys/unix"

	"github.com/linuxhcs/hcs/driver/container"
	"github.com/linuxhcs/hcs/internal/testlayer"
)

// Everything this test binary creates on the host is named after these, so the leftover
// check finds what this run left and never what another test binary running beside it owns.
var (
	// baseDir holds the temporary directories of every test (TMPDIR points here), the
	// writable layers among them, and the runtimes' state roots.
	baseDir string
	// socketRoot holds the agents' socket directories; it is short, under /run.
	socketRoot string
	// cgroupParent is the cgroup under which every container of this run is placed.
	cgroupParent = fmt.Sprintf("/hcs-itest-%d", os.Getpid())
)

func TestMain(m *testing.M) {
	if err := setUp(); err != nil {
		fmt.Fprintln(os.Stderr, "setting up:", err)
		os.Exit(1)
	}
	code := m.Run()
	if left := leftovers(); len(left) > 0 {
		fmt.Fprintf(os.Stderr, "the host was left changed:\n  %s\n", strings.Join(left, "\n  "))
		code = 1
	}
	if err := tearDown(); err != nil {
		fmt.Fprintln(os.Stderr, "tearing down:", err)
		code = 1
	}
	testlayer.Cleanup()
	os.Exit(code)
}

func setUp() error {
	var err error
	if baseDir, err = os.MkdirTemp("", "hcs-itest-"); err != nil {
		return err
	}
	if err := os.Setenv("TMPDIR", baseDir); err != nil {
		return err
	}
	if os.Geteuid() != 0 {
		return nil // every test skips (or fails under CI) through RequireRoot
	}
	socketRoot, err = os.MkdirTemp("/run", "hcs-it")
	return err
}

// leftovers lists what the containers of this run left on the host: mounts under baseDir,
// container state in a runtime root, agent sockets, cgroups under cgroupParent, and
// processes in those cgroups.
func leftovers() []string {
	var out []string
	for _, mp := range mountsUnder(baseDir) {
		out = append(out, "mount: "+mp)
	}
	left, errs := runtimeContainers()
	for _, c := range left {
		out = append(out, "runtime state: "+c.String())
	}
	for _, err := range errs {
		out = append(out, err.Error())
	}
	if socketRoot != "" {
		socks, _ := filepath.Glob(filepath.Join(socketRoot, "*", "*"))
		for _, s := range socks {
			out = append(out, "agent socket: "+s)
		}
	}
	for _, d := range containerCgroups("") {
		out = append(out, "cgroup: "+d)
	}
	for _, p := range containerProcesses("") {
		if !p.reapedElsewhere() {
			out = append(out, "process: "+p.String())
		}
	}
	return out
}

// leftContainer is a container a runtime root of this run still has state for.
type leftContainer struct {
	rt *container.Runtime
	id string
}

func (c leftContainer) String() string { return c.rt.Name + " --root " + c.rt.Root + ": " + c.id }

// runtimeContainers lists the containers the runtime roots of this run still know, and
// the roots that cannot be listed.
func runtimeContainers() ([]leftContainer, []error) {
	var out []leftContainer
	var errs []error
	for _, rt := range runtimesUsed() {
		ids, err := runtimeList(rt.Name, rt.Root)
		if err != nil {
			errs = append(errs, fmt.Errorf("%s --root %s list: %w", rt.Name, rt.Root, err))
		}
		for _, id := range ids {
			out = append(out, leftContainer{rt, id})
		}
	}
	return out, errs
}

// runtimeList returns the ids of the containers the runtime has state for under root: what
// `list` prints on standard output, and any other directory in root (a state directory the
// runtime cannot load, which runc only warns about on standard error).
func runtimeList(runtime, root string) ([]string, error) {
	var stderr strings.Builder
	cmd := exec.Command(runtime, "--root", root, "list", "-q")
	cmd.Stderr = &stderr
	b, err := cmd.Output()
	if err != nil {
		return nil, fmt.Errorf("%v: %s", err, stderr.String())
	}
	ids := strings.Fields(string(b))
	entries, _ := os.ReadDir(root)
	for _, e := range entries {
		if e.IsDir() && !slices.Contains(ids, e.Name()) {
			ids = append(ids, e.Name())
		}
	}
	return ids, nil
}

// tearDown removes the run's directories and cgroup parents. What a broken test left
// behind is cleaned as far as it safely can be: runtime state is deleted (which kills and
// thaws what it still runs) and mounts are detached before anything is removed.
func tearDown() error {
	var errs []error
	left, _ := runtimeContainers()
	for _, c := range left {
		ctx, cancel := context.WithTimeout(context.Background(), waitTimeout)
		if err := c.rt.Delete(ctx, c.id); err != nil {
			errs = append(errs, fmt.Errorf("deleting %v: %w", c, err))
		}
		cancel()
	}
	for _, mp := range mountsUnder(baseDir) {
		if err := unix.Unmount(mp, unix.MNT_DETACH); err != nil {
			errs = append(errs, fmt.Errorf("unmounting %s: %w", mp, err))
		}
	}
	errs = append(errs, removeCgroups()...)
	if socketRoot != "" {
		os.RemoveAll(socketRoot)
	}
	if mps := mountsUnder(baseDir); len(mps) > 0 {
		errs = append(errs, fmt.Errorf("%s is kept: mounts are left in it: %v", baseDir, mps))
	} else if err := os.RemoveAll(baseDir); err != nil {
		errs = append(errs, err)
	}
	return errors.Join(errs...)
}

// removeCgroups removes the containers' cgroups left under cgroupParent, then the parent,
// in every hierarchy. Processes still leaving them get a moment to do so.
func removeCgroups() []error {
	var errs []error
	parents, _ := filepath.Glob(filepath.Join("/sys/fs/cgroup/*", cgroupParent))
	for _, dir := range append(containerCgroups(""), parents...) {
		var err error
		for try := 0; try < 50; try++ {
			if err = os.Remove(dir); err == nil || errors.Is(err, fs.ErrNotExist) {
				err = nil
				break
			}
			time.Sleep(100 * time.Millisecond)
		}
		if err != nil {
			errs = append(errs, err)
		}
	}
	return errs
}
