package bench

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"testing"
)

// BenchmarkExecInRunningContainer: run /bin/true in a container that is already running,
// through HCS on each runtime and with each runtime's exec.
func BenchmarkExecInRunningContainer(b *testing.B) {
	for _, rt := range runtimes {
		b.Run("hcs-"+rt, func(b *testing.B) { benchHCSExec(b, rt) })
	}
	for _, rt := range runtimes {
		b.Run(rt+"-exec", func(b *testing.B) { benchRawExec(b, rt) })
	}
}

// benchHCSExec: HcsCreateProcess /bin/true, wait for the operation, HcsWaitForProcessExit,
// HcsCloseProcess.
func benchHCSExec(b *testing.B, runtime string) {
	c := hcsClient(b, runtime)
	ctx, cancel := callCtx()
	defer cancel()
	sys, err := createSystem(ctx, c, "bench-exec", containerDoc(b))
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() {
		ctx, cancel := callCtx()
		defer cancel()
		_ = terminateSystem(ctx, sys) // the host's clean-up terminates it otherwise
		sys.Close()
	})
	if err := startSystem(ctx, sys); err != nil {
		b.Fatal(err)
	}
	for b.Loop() {
		if err := execTrue(runTrue, sys); err != nil {
			b.Fatal(err)
		}
	}
	reportMs(b)
}

// execTrue runs one iteration under its own time limit.
func execTrue[T any](run func(context.Context, T) error, target T) error {
	ctx, cancel := callCtx()
	defer cancel()
	return run(ctx, target)
}

// benchRawExec: `exec <id> /bin/true` against a container whose process is a long sleep.
func benchRawExec(b *testing.B, runtime string) {
	r := newOCIRuntime(b, runtime)
	bd, err := newBundle(filepath.Join(tempDir(b), "bundle"), "bench-exec", containerSection(b), r.layout, "/bin/sleep", "1000")
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() {
		ctx, cancel := callCtx()
		defer cancel()
		if err := errors.Join(r.remove(ctx, bd.id), bd.remove()); err != nil {
			fmt.Fprintln(os.Stderr, "removing the exec container:", err)
		}
	})
	ctx, cancel := callCtx()
	defer cancel()
	if err := r.startDetached(ctx, bd); err != nil {
		b.Fatal(err)
	}
	exec := func(ctx context.Context, id string) error { return r.run(ctx, "exec", id, "/bin/true") }
	for b.Loop() {
		if err := execTrue(exec, bd.id); err != nil {
			b.Fatal(err)
		}
	}
	reportMs(b)
}
