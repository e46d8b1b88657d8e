package container

import (
	"context"
	"errors"
	"maps"
	"os"
	"path/filepath"
	"strings"

	"github.com/linuxhcs/hcs/driver"
	"github.com/linuxhcs/hcs/storage"
)

var _ driver.Sweeper = (*Driver)(nil)

// Sweep tears down what no kept system claims: runtime containers named with the driver's
// prefix under its runtime roots (with the union on their root), cgroups below its cgroup
// parent of containers its own directories show it made, unions mounted below systemsDir outside the kept state
// directories, and agent sockets. Such leftovers belong
// to systems whose records were lost: without a record nothing can be adopted.
func (d *Driver) Sweep(ctx context.Context, systemsDir string, keep []string) error {
	claimed := claimedRuntimeIDs(keep)
	var errs []error
	for _, rt := range d.rootedRuntimes() {
		for _, rid := range runtimeEntries(rt.Root) {
			if !claimed[rid] {
				errs = append(errs, d.tearDownUnclaimed(ctx, rt, rid))
			}
		}
	}
	traces := d.unclaimedTraces(systemsDir, keep, claimed)
	errs = append(errs, d.sweepMarkedUnions(claimed), d.sweepCgroups(traces), d.sweepMounts(systemsDir, keep),
		d.sweepSockets(claimed))
	return errors.Join(errs...)
}

// claimedRuntimeIDs returns the runtime ids the kept systems recorded (a runtime name is
// random, so only a record can claim one).
func claimedRuntimeIDs(keep []string) map[string]bool {
	claimed := map[string]bool{}
	for _, dir := range keep {
		if p, ok, err := readStateFile(dir); err == nil && ok && p.RuntimeID != "" {
			claimed[p.RuntimeID] = true
		}
	}
	return claimed
}

// unclaimedTraces returns the runtime ids that the driver's own directories show it made
// and that no kept system claims: agent sockets in its socket directory and state
// directories the host does not keep. Unlike its runtime roots and socket directory, the
// driver's cgroup parent may be shared with other services, so only a cgroup with such a
// trace is known to be this service's.
func (d *Driver) unclaimedTraces(systemsDir string, keep []string, claimed map[string]bool) map[string]bool {
	traces := map[string]bool{}
	sockets, _ := os.ReadDir(d.opts.SocketDir)
	for _, e := range sockets {
		if rid, ok := strings.CutSuffix(e.Name(), ".sock"); ok && !claimed[rid] {
			traces[rid] = true
		}
	}
	dirs, _ := os.ReadDir(systemsDir)
	for _, e := range dirs {
		if dir := filepath.Join(systemsDir, e.Name()); e.IsDir() && !within(dir, keep) {
			maps.Copy(traces, claimedRuntimeIDs([]string{dir}))
		}
	}
	return traces
}

// rootedRuntimes returns the runtimes whose state root exists: only those can hold
// containers of this service.
func (d *Driver) rootedRuntimes() []*Runtime {
	var out []*Runtime
	for _, name := range []string{"runc", "crun"} {
		if _, err := os.Stat(filepath.Join(d.opts.RuntimeRoot, name)); err != nil {
			continue
		}
		rt, err := d.runtime(name)
		if err != nil {
			d.log.Warn("cannot sweep a runtime root: its runtime is unusable", "runtime", name, "err", err)
			continue
		}
		out = append(out, rt)
	}
	return out
}

// runtimeEntries lists the containers a runtime keeps state for under root (one directory
// each, for runc and crun alike) that carry the driver's prefix.
func runtimeEntries(root string) []string {
	entries, _ := os.ReadDir(root)
	var ids []string
	for _, e := range entries {
		if e.IsDir() && strings.HasPrefix(e.Name(), runtimeIDPrefix) {
			ids = append(ids, e.Name())
		}
	}
	return ids
}

// tearDownUnclaimed deletes a runtime container no record claims, killing what runs, and
// detaches the union on its root.
func (d *Driver) tearDownUnclaimed(ctx context.Context, rt *Runtime, rid string) error {
	st, _, err := rt.State(ctx, rid)
	if err != nil {
		d.log.Warn("the runtime cannot describe an unclaimed container; deleting it anyway", "runtimeId", rid, "err", err)
	}
	d.log.Warn("tearing down a runtime container no record claims", "runtime", rt.Name, "runtimeId", rid,
		"status", st.Status, "pid", st.Pid, "root", st.Rootfs)
	if err := rt.Delete(ctx, rid); err != nil {
		return err
	}
	if st.Rootfs == "" {
		return nil
	}
	if attached, _ := storage.IsAttached(st.Rootfs); !attached {
		return nil
	}
	d.log.Warn("detaching the union of an unclaimed container", "runtimeId", rid, "root", st.Rootfs)
	return detachRoot(st.Rootfs)
}

// sweepMarkedUnions detaches the unions this driver attached (marked with its union mark)
// for containers no record claims: a caller's writable layer whose container's records
// were lost before it ever ran, for example, which no runtime entry names.
func (d *Driver) sweepMarkedUnions(claimed map[string]bool) error {
	unions, err := storage.MarkedUnions(d.unionMarkPrefix())
	if err != nil {
		return err
	}
	var errs []error
	for _, u := range unions {
		if rid := strings.TrimPrefix(u.Mark, d.unionMarkPrefix()); !claimed[rid] {
			d.log.Warn("detaching the union of a container no record claims", "runtimeId", rid, "path", u.Path)
			errs = append(errs, detachRoot(u.Path))
		}
	}
	return errors.Join(errs...)
}

// sweepMounts detaches the unions mounted below systemsDir outside every kept state
// directory (the scratch roots of systems whose records were lost).
func (d *Driver) sweepMounts(systemsDir string, keep []string) error {
	points, err := storage.MountPointsBelow(systemsDir)
	if err != nil {
		return err
	}
	var errs []error
	for _, point := range points {
		if point == systemsDir {
			continue
		}
		if within(point, keep) {
			continue
		}
		if attached, _ := storage.IsAttached(point); attached {
			d.log.Warn("detaching a union no record claims", "path", point)
			errs = append(errs, detachRoot(point))
		}
	}
	return errors.Join(errs...)
}

// sweepSockets removes the agent sockets of containers no record claims.
func (d *Driver) sweepSockets(claimed map[string]bool) error {
	entries, _ := os.ReadDir(d.opts.SocketDir)
	for _, e := range entries {
		rid, ok := strings.CutSuffix(e.Name(), ".sock")
		if !ok || !strings.HasPrefix(rid, runtimeIDPrefix) || claimed[rid] {
			continue
		}
		d.log.Warn("removing an agent socket no record claims", "socket", e.Name())
		os.Remove(filepath.Join(d.opts.SocketDir, e.Name()))
	}
	return nil
}

// within reports whether path is one of dirs or below one.
func within(path string, dirs []string) bool {
	for _, d := range dirs {
		if path == d || strings.HasPrefix(path, d+"/") {
			return true
		}
	}
	return false
}
