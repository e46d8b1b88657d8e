package bench

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	"github.com/linuxhcs/hcs/driver/container"
	"github.com/linuxhcs/hcs/schema"
	"github.com/linuxhcs/hcs/storage"
)

// hybridWrapper runs crun the way the driver does on a hybrid cgroup host: in a private
// mount namespace without the cgroup2 mount, the only layout Debian's crun accepts there.
var hybridWrapper = []string{"unshare", "--mount", "--propagation", "private", "--",
	"sh", "-c", `umount /sys/fs/cgroup/unified && exec "$0" "$@"`}

// ociRuntime invokes runc or crun directly, with a private --root.
type ociRuntime struct {
	name   string
	argv   []string // wrapper (if any), binary, --root
	root   string
	layout container.CgroupLayout
}

// newOCIRuntime prepares runtime for direct use, with a state root removed after b.
func newOCIRuntime(b *testing.B, name string) *ociRuntime {
	b.Helper()
	requireContainers(b, name)
	path, _ := exec.LookPath(name)
	layout, err := container.DetectCgroupLayout()
	if err != nil {
		b.Fatal(err)
	}
	root := filepath.Join(tempDir(b), "runtime")
	r := &ociRuntime{name: name, argv: []string{path, "--root", root}, root: root, layout: layout}
	if name == "crun" && layout.Hybrid {
		r.argv = append(append([]string{}, hybridWrapper...), r.argv...)
	}
	return r
}

func (r *ociRuntime) command(ctx context.Context, args ...string) *exec.Cmd {
	argv := append(append([]string{}, r.argv...), args...)
	cmd := exec.CommandContext(ctx, argv[0], argv[1:]...)
	cmd.WaitDelay = patience
	return cmd
}

// run invokes the runtime in the foreground; an error quotes its output.
func (r *ociRuntime) run(ctx context.Context, args ...string) error {
	out, err := r.command(ctx, args...).CombinedOutput()
	if err != nil {
		return fmt.Errorf("%s %s: %v: %s", r.name, args[0], err, strings.TrimSpace(string(out)))
	}
	return nil
}

// startDetached is `run --detach`: the container's process gets /dev/null as stdio (an
// output pipe would stay open as long as it lives) and the runtime logs to a file.
func (r *ociRuntime) startDetached(ctx context.Context, bd *bundle) error {
	logFile := filepath.Join(bd.dir, "runtime.log")
	cmd := r.command(ctx, "--log", logFile, "run", "--detach", "--bundle", bd.dir, bd.id)
	if err := cmd.Run(); err != nil {
		out, _ := os.ReadFile(logFile)
		return fmt.Errorf("run --detach: %v: %s", err, strings.TrimSpace(string(out)))
	}
	return nil
}

// remove deletes the container's runtime state (killing what runs) unless the runtime
// already did, as `run` does in the foreground when the process exits.
func (r *ociRuntime) remove(ctx context.Context, id string) error {
	if _, err := os.Stat(filepath.Join(r.root, id)); errors.Is(err, os.ErrNotExist) {
		return nil
	}
	return r.run(ctx, "delete", "--force", id)
}

// bundle is an OCI bundle on a fresh writable layer over the busybox layer, attached the
// way the driver attaches a container's storage.
type bundle struct {
	id, dir, rootfs string
}

// newBundle attaches the storage and writes config.json from the driver's own BuildSpec,
// with args as the process.
func newBundle(dir, id string, c *schema.Container, layout container.CgroupLayout, args ...string) (*bundle, error) {
	bd := &bundle{id: id, dir: dir, rootfs: filepath.Join(dir, "rootfs")}
	if err := storage.PrepareWritable(bd.rootfs); err != nil {
		return nil, err
	}
	if err := storage.Attach(bd.rootfs, layerPaths(c)); err != nil {
		os.RemoveAll(dir)
		return nil, err
	}
	spec, err := container.BuildSpec(container.SpecInput{
		ID: id, Container: c, RootfsPath: bd.rootfs, Args: args,
		Cgroups: layout, CgroupsPath: filepath.Join(cgroupParent, id),
		HostCPUs: runtime.NumCPU(), OpenFilesLimit: openFilesLimit(),
	})
	if err == nil {
		var data []byte
		if data, err = json.MarshalIndent(spec, "", "\t"); err == nil {
			err = os.WriteFile(filepath.Join(dir, "config.json"), data, 0o600)
		}
	}
	if err != nil {
		return nil, errors.Join(err, bd.remove())
	}
	return bd, nil
}

// remove detaches the storage and removes the bundle with its writable layer.
func (bd *bundle) remove() error {
	err := storage.Detach(bd.rootfs)
	return errors.Join(err, os.RemoveAll(bd.dir))
}

func layerPaths(c *schema.Container) []string {
	var out []string
	for _, l := range c.Storage.Layers {
		out = append(out, l.Path)
	}
	return out
}
