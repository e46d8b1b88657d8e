package container_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/linuxhcs/hcs/client"
	"github.com/linuxhcs/hcs/schema"
)

// proc is a process a test started, with its stdio and collectors on its output streams.
type proc struct {
	*client.Process
	info   client.ProcessInformation
	stdout *output // nil unless stdout (or a console) was requested
	stderr *output // nil unless stderr was requested
}

// sh returns parameters that run script with /bin/sh -c, with stdout and stderr pipes.
func sh(script string) schema.ProcessParameters {
	return schema.ProcessParameters{CommandArgs: []string{"/bin/sh", "-c", script}, CreateStdOutPipe: true, CreateStdErrPipe: true}
}

// spawn starts a process and begins collecting its output. When the test ends the process
// is killed unless it exited, and its handle and files are closed.
func spawn(t *testing.T, sys *client.System, params schema.ProcessParameters) *proc {
	t.Helper()
	b, err := json.Marshal(params)
	if err != nil {
		t.Fatal(err)
	}
	op := client.NewOperation(nil, nil)
	defer op.Close()
	p, err := sys.CreateProcess(string(b), op)
	if err != nil {
		t.Fatalf("CreateProcess %s: %v", b, err)
	}
	info, _, err := op.WaitAndProcessInfo(timeout(t))
	pr := &proc{Process: p, info: info}
	t.Cleanup(pr.release)
	if err != nil {
		t.Fatalf("CreateProcess %s: %v", b, err)
	}
	if info.StdOutput != nil {
		pr.stdout = collect(info.StdOutput)
	}
	if info.StdError != nil {
		pr.stderr = collect(info.StdError)
	}
	return pr
}

// release kills the process if it still runs and closes the handle and the files.
func (p *proc) release() {
	ctx, cancel := context.WithTimeout(context.Background(), waitTimeout)
	defer cancel()
	client.Do(ctx, func(op *client.Operation) error { return p.Terminate(op, "") })
	p.Close()
	for _, f := range []*os.File{p.info.StdInput, p.info.StdOutput, p.info.StdError} {
		if f != nil {
			f.Close()
		}
	}
}

// status waits for the process to exit and returns its ProcessStatus.
func (p *proc) status(t *testing.T) schema.ProcessStatus {
	t.Helper()
	doc, err := p.WaitForExit(timeout(t))
	if err != nil {
		t.Fatalf("waiting for process %d: %v", p.info.ProcessID, err)
	}
	var st schema.ProcessStatus
	decode(t, doc, &st)
	return st
}

// exitCode waits for the process to exit on its own and returns its exit code.
func (p *proc) exitCode(t *testing.T) uint32 {
	t.Helper()
	st := p.status(t)
	if !st.Exited || st.LastWaitResult != 0 {
		t.Fatalf("process %d: status %+v, want an exit with LastWaitResult 0", p.info.ProcessID, st)
	}
	return st.ExitCode
}

// run runs script in sys and returns its stdout, stderr and exit code.
func run(t *testing.T, sys *client.System, script string) (stdout, stderr string, code uint32) {
	t.Helper()
	p := spawn(t, sys, sh(script))
	stdout, stderr = string(p.stdout.all(t)), string(p.stderr.all(t))
	return stdout, stderr, p.exitCode(t)
}

// mustRun runs script, requires exit code 0 and returns its stdout.
func mustRun(t *testing.T, sys *client.System, script string) string {
	t.Helper()
	out, errOut, code := run(t, sys, script)
	if code != 0 {
		t.Fatalf("%q: exit code %d, stdout %q, stderr %q", script, code, out, errOut)
	}
	return out
}

// output collects what a stream delivers until its end.
type output struct {
	mu   sync.Mutex
	buf  []byte
	err  error // a read error other than the end of the stream
	done chan struct{}
}

func collect(r io.Reader) *output {
	o := &output{done: make(chan struct{})}
	go func() {
		defer close(o.done)
		b := make([]byte, 64<<10)
		for {
			n, err := r.Read(b)
			o.mu.Lock()
			o.buf = append(o.buf, b[:n]...)
			// A console's master reads EIO once the terminal is gone: its end of stream.
			if err != nil && err != io.EOF && !errors.Is(err, syscall.EIO) {
				o.err = err
			}
			o.mu.Unlock()
			if err != nil {
				return
			}
		}
	}()
	return o
}

func (o *output) String() string {
	o.mu.Lock()
	defer o.mu.Unlock()
	return string(o.buf)
}

// all waits for the end of the stream and returns everything it delivered.
func (o *output) all(t *testing.T) []byte {
	t.Helper()
	b, err := o.wait(timeout(t))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// wait waits for the end of the stream, or for ctx to end, and returns what it delivered.
func (o *output) wait(ctx context.Context) ([]byte, error) {
	select {
	case <-o.done:
	case <-ctx.Done():
		return nil, fmt.Errorf("the stream did not end in time (%w); so far %q", ctx.Err(), tail(o.String()))
	}
	if o.err != nil {
		return o.buf, fmt.Errorf("reading the stream: %w", o.err)
	}
	return o.buf, nil
}

// waitFor waits until the stream has delivered want.
func (o *output) waitFor(t *testing.T, want string) {
	t.Helper()
	deadline := time.Now().Add(waitTimeout)
	for !strings.Contains(o.String(), want) {
		select {
		case <-o.done:
			if !strings.Contains(o.String(), want) {
				t.Fatalf("the stream ended without %q: %q (error %v)", want, tail(o.String()), o.err)
			}
		case <-time.After(5 * time.Millisecond):
		}
		if time.Now().After(deadline) {
			t.Fatalf("no %q within %v; so far %q", want, waitTimeout, tail(o.String()))
		}
	}
}

// tail shortens long output for a message.
func tail(s string) string {
	if len(s) > 400 {
		return "..." + s[len(s)-400:]
	}
	return s
}
