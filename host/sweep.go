package host

import (
	"context"
	"os"
	"path/filepath"
	"slices"

	"github.com/linuxhcs/hcs/driver"
	"github.com/linuxhcs/hcs/storage"
)

// sweep releases what systems without a usable record left. Every driver that can is asked
// to tear down whatever no kept system claims; then the unusable state directories are
// removed, unless something is still mounted below one (removing it would reach into the
// mount) or the sweep failed: those are kept, and swept again at the next start.
func (h *Host) sweep(ctx context.Context, root string, unusable []string) {
	keep := keptDirs(root, unusable)
	swept := true
	for _, d := range []driver.Driver{h.opts.Container, h.opts.VirtualMachine} {
		sw, ok := d.(driver.Sweeper)
		if !ok {
			continue
		}
		if err := sw.Sweep(ctx, root, keep); err != nil {
			swept = false
			h.log.Error("tearing down leftovers no record claims failed", "driver", d.Name(), "err", err)
		}
	}
	for _, dir := range unusable {
		if !swept || mountedBelow(dir) {
			h.log.Warn("keeping a state directory without a usable record: its leftovers are not all released", "dir", dir)
			continue
		}
		os.RemoveAll(dir)
		h.log.Info("removed a state directory without a usable record", "dir", dir)
	}
}

// keptDirs lists the state directories in root that the host keeps: all but unusable.
func keptDirs(root string, unusable []string) []string {
	entries, _ := os.ReadDir(root)
	var keep []string
	for _, e := range entries {
		if dir := filepath.Join(root, e.Name()); e.IsDir() && !slices.Contains(unusable, dir) {
			keep = append(keep, dir)
		}
	}
	return keep
}

// mountedBelow reports whether anything is mounted on or below dir (or whether the mount
// table cannot be read, which is no proof of the contrary).
func mountedBelow(dir string) bool {
	points, err := storage.MountPointsBelow(dir)
	return err != nil || len(points) > 0
}
