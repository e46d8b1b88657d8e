package bench

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"testing"

	"github.com/linuxhcs/hcs/client"
	"github.com/linuxhcs/hcs/driver/container"
	"github.com/linuxhcs/hcs/host"
	"github.com/linuxhcs/hcs/internal/testlayer"
	"github.com/linuxhcs/hcs/schema"
)

// trueProcess is the ProcessParameters of every process the benchmarks run.
const trueProcess = `{"CommandArgs":["/bin/true"]}`

// hcsClient returns a client of an embedded host whose container driver runs on runtime,
// with its own runtime state, sockets and state directory. Clean-up terminates every
// system still running and releases its mounts and cgroups.
func hcsClient(b *testing.B, runtime string) *client.Client {
	b.Helper()
	requireContainers(b, runtime)
	agent, err := testlayer.Agent()
	if err != nil {
		b.Fatal(err)
	}
	state := tempDir(b)
	drv, err := container.New(container.Options{
		Runtime: runtime, AgentPath: agent, RuntimeRoot: filepath.Join(state, "runtime"),
		SocketDir: filepath.Join(state, "sockets"), CgroupParent: cgroupParent, Logger: quiet,
	})
	if err != nil {
		b.Fatal(err)
	}
	h, err := host.New(host.Options{Container: drv, StateDir: filepath.Join(state, "host"), Logger: quiet})
	if err != nil {
		b.Fatal(err)
	}
	c := client.New(h.Connect())
	b.Cleanup(func() {
		ctx, cancel := callCtx()
		defer cancel()
		c.Close()
		if err := h.Close(ctx, true); err != nil {
			fmt.Fprintln(os.Stderr, "closing the host:", err)
		}
	})
	return c
}

// createSystem is HcsCreateComputeSystem and a wait for its operation.
func createSystem(ctx context.Context, c *client.Client, id, doc string) (*client.System, error) {
	op := client.NewOperation(nil, nil)
	defer op.Close()
	sys, err := c.CreateComputeSystem(id, doc, op)
	if err != nil {
		return nil, err
	}
	if _, err := op.Wait(ctx); err != nil {
		sys.Close()
		return nil, err
	}
	return sys, nil
}

func startSystem(ctx context.Context, sys *client.System) error {
	_, err := client.Do(ctx, func(op *client.Operation) error { return sys.Start(op, "") })
	return err
}

func terminateSystem(ctx context.Context, sys *client.System) error {
	_, err := client.Do(ctx, func(op *client.Operation) error { return sys.Terminate(op, "") })
	return err
}

// runTrue runs /bin/true in sys (HcsCreateProcess, wait, HcsWaitForProcessExit) and checks
// that it exited with 0.
func runTrue(ctx context.Context, sys *client.System) error {
	op := client.NewOperation(nil, nil)
	defer op.Close()
	p, err := sys.CreateProcess(trueProcess, op)
	if err != nil {
		return err
	}
	defer p.Close()
	if _, err := op.Wait(ctx); err != nil {
		return err
	}
	doc, err := p.WaitForExit(ctx)
	if err != nil {
		return err
	}
	var st schema.ProcessStatus
	if err := schema.Decode(doc, &st); err != nil {
		return err
	}
	if !st.Exited || st.ExitCode != 0 || st.LastWaitResult != 0 {
		return fmt.Errorf("/bin/true: process status %s", doc)
	}
	return nil
}

// hcsLifecycle runs one container through the whole HCS lifecycle, timing each phase.
// Whatever a failure leaves running is terminated by the host's clean-up.
func hcsLifecycle(c *client.Client, id, doc string, l *laps) error {
	ctx, cancel := callCtx()
	defer cancel()
	l.start()
	sys, err := createSystem(ctx, c, id, doc)
	if err != nil {
		return fmt.Errorf("create: %w", err)
	}
	defer sys.Close()
	l.lap(0)
	if err := startSystem(ctx, sys); err != nil {
		return fmt.Errorf("start: %w", err)
	}
	l.lap(1)
	if err := runTrue(ctx, sys); err != nil {
		return fmt.Errorf("process: %w", err)
	}
	l.lap(2)
	if err := terminateSystem(ctx, sys); err != nil {
		return fmt.Errorf("terminate: %w", err)
	}
	sys.Close()
	l.lap(3)
	return nil
}
