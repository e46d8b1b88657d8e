package container_test

import (
	"context"
	"encoding/json"
	"fmt"
	"sync"
	"testing"

	"github.com/linuxhcs/hcs/client"
	"github.com/linuxhcs/hcs/schema"
)

// parallelSystems is how many containers TestTwentyContainersInParallel runs at once.
const parallelSystems = 20

func TestTwentyContainersInParallel(t *testing.T) {
	forEachRuntime(t, func(t *testing.T, e *env) {
		docs := make([]string, parallelSystems)
		for i := range docs {
			b, err := json.Marshal(busybox(t, nil))
			if err != nil {
				t.Fatal(err)
			}
			docs[i] = string(b)
		}
		var (
			wg      sync.WaitGroup
			mu      sync.Mutex
			systems []*client.System
		)
		// Every system is terminated and closed when the test ends, however far it got.
		t.Cleanup(func() {
			for _, sys := range systems {
				stopAndClose(t, sys)
			}
		})
		ctx := timeout(t)
		outputs := make([]string, parallelSystems)
		errs := make([]error, parallelSystems)
		for i := range parallelSystems {
			wg.Add(1)
			go func() {
				defer wg.Done()
				id := fmt.Sprintf("par-%s-%02d", e.runtime, i)
				outputs[i], errs[i] = echoIn(ctx, e.c, id, docs[i], i, func(sys *client.System) {
					mu.Lock()
					systems = append(systems, sys)
					mu.Unlock()
				})
			}()
		}
		wg.Wait()
		for i := range parallelSystems {
			if errs[i] != nil {
				t.Errorf("container %d: %v", i, errs[i])
			} else if want := fmt.Sprintf("%d\n", i); outputs[i] != want {
				t.Errorf("container %d printed %q, want %q", i, outputs[i], want)
			}
		}
		for _, sys := range systems {
			mustDo(t, func(op *client.Operation) error { return sys.Terminate(op, "") })
		}
	})
}

// echoIn creates and starts system id, passes its handle to keep, runs `echo $i` in it and
// returns the output. It is safe to call from any goroutine: it reports instead of failing.
func echoIn(ctx context.Context, c *client.Client, id, doc string, i int, keep func(*client.System)) (string, error) {
	op := client.NewOperation(nil, nil)
	defer op.Close()
	sys, err := c.CreateComputeSystem(id, doc, op)
	if err != nil {
		return "", err
	}
	keep(sys)
	if _, err := op.Wait(ctx); err != nil {
		return "", fmt.Errorf("create: %w", err)
	}
	if _, err := client.Do(ctx, func(op *client.Operation) error { return sys.Start(op, "") }); err != nil {
		return "", fmt.Errorf("start: %w", err)
	}
	params, _ := json.Marshal(schema.ProcessParameters{
		CommandArgs:      []string{"/bin/sh", "-c", "echo $N"},
		Environment:      map[string]string{"N": fmt.Sprint(i)},
		CreateStdOutPipe: true,
	})
	var p *client.Process
	info, _, err := client.DoProcess(ctx, func(op *client.Operation) error {
		var cErr error
		p, cErr = sys.CreateProcess(string(params), op)
		return cErr
	})
	if p != nil {
		defer p.Close()
	}
	if err != nil {
		return "", fmt.Errorf("create process: %w", err)
	}
	defer info.StdOutput.Close()
	out, err := collect(info.StdOutput).wait(ctx)
	if err != nil {
		return "", fmt.Errorf("reading stdout: %w", err)
	}
	doc, err = p.WaitForExit(ctx)
	if err != nil {
		return "", fmt.Errorf("waiting for the exit: %w", err)
	}
	var st schema.ProcessStatus
	if err := json.Unmarshal([]byte(doc), &st); err != nil || st.ExitCode != 0 {
		return "", fmt.Errorf("exit status %s (%v)", doc, err)
	}
	return string(out), nil
}
