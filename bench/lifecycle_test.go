package bench

import (
	"errors"
	"fmt"
	"path/filepath"
	"testing"

	"github.com/linuxhcs/hcs/schema"
)

// BenchmarkContainerLifecycle: create and start a container, run /bin/true in it and tear it
// down, through HCS on each runtime and with each runtime alone (where /bin/true is the
// container's own process).
func BenchmarkContainerLifecycle(b *testing.B) {
	for _, rt := range runtimes {
		b.Run("hcs-"+rt, func(b *testing.B) { benchHCSLifecycle(b, rt) })
	}
	for _, rt := range runtimes {
		b.Run(rt+"-run", func(b *testing.B) { benchRawLifecycle(b, rt) })
	}
}

// benchHCSLifecycle: CreateComputeSystem, Start, CreateProcess /bin/true and WaitForExit,
// Terminate, Close. Besides the total it reports the mean of each of those four phases.
func benchHCSLifecycle(b *testing.B, runtime string) {
	c := hcsClient(b, runtime)
	doc := containerDoc(b)
	l := newLaps("create", "start", "process", "stop")
	for i := 0; b.Loop(); i++ {
		if err := hcsLifecycle(c, fmt.Sprintf("bench-%d", i), doc, l); err != nil {
			b.Fatal(err)
		}
	}
	reportMs(b)
	l.report(b)
}

// benchRawLifecycle: attach a fresh writable layer, write the bundle, `run` it in the
// foreground, delete the container if the runtime left it, detach and remove the layer.
func benchRawLifecycle(b *testing.B, runtime string) {
	r := newOCIRuntime(b, runtime)
	c := containerSection(b)
	dir := tempDir(b)
	for i := 0; b.Loop(); i++ {
		if err := rawLifecycle(r, c, dir, fmt.Sprintf("bench-%d", i)); err != nil {
			b.Fatal(err)
		}
	}
	reportMs(b)
}

func rawLifecycle(r *ociRuntime, c *schema.Container, dir, id string) (err error) {
	ctx, cancel := callCtx()
	defer cancel()
	bd, err := newBundle(filepath.Join(dir, id), id, c, r.layout, "/bin/true")
	if err != nil {
		return err
	}
	defer func() { err = errors.Join(err, r.remove(ctx, id), bd.remove()) }()
	return r.run(ctx, "run", "--bundle", bd.dir, id)
}
