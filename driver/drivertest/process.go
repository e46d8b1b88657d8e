package drivertest

import (
	"context"
	"io"
	"os"
	"slices"
	"sync"
	"time"

	"github.com/linuxhcs/hcs/driver"
	"github.com/linuxhcs/hcs/schema"
)

// streams selects the pipes a process gets; the others are /dev/null.
type streams struct{ stdin, stdout, stderr bool }

// proc is a process under test with the suite's ends of its pipes.
type proc struct {
	driver.Process
	stdin          *os.File
	stdout, stderr *output
}

// output collects everything written to one pipe until it is closed.
type output struct {
	f    *os.File
	done chan struct{} // closed at EOF or on a read error

	mu   sync.Mutex
	data []byte
	err  error
}

// params returns parameters that run args with the suite's environment.
func params(args ...string) *schema.ProcessParameters {
	return &schema.ProcessParameters{CommandArgs: args, Environment: map[string]string{"PATH": DefaultPath}}
}

// shellParams returns parameters that run script with the configured shell.
func (s *sut) shellParams(script string) *schema.ProcessParameters {
	return params(append(slices.Clone(s.cfg.Shell), script)...)
}

// spawn runs script with the configured shell and fails the test when it cannot.
func (s *sut) spawn(script string, io streams) *proc {
	s.t.Helper()
	p, err := s.createProcess(s.shellParams(script), io)
	if err != nil {
		s.t.Fatalf("%s: CreateProcess %q: %v", s.id, script, err)
	}
	return p
}

// createProcess creates a process with the streams asked for, closing the process's
// ends once the driver has them, as the host does.
func (s *sut) createProcess(params *schema.ProcessParameters, io streams) (*proc, error) {
	var stdio driver.Stdio
	var theirs []*os.File
	p := &proc{}
	if io.stdin {
		r, w := s.pipe()
		stdio.Stdin, p.stdin, theirs = r, w, append(theirs, r)
	}
	if io.stdout {
		r, w := s.pipe()
		stdio.Stdout, p.stdout, theirs = w, s.collect(r), append(theirs, w)
	}
	if io.stderr {
		r, w := s.pipe()
		stdio.Stderr, p.stderr, theirs = w, s.collect(r), append(theirs, w)
	}
	params.CreateStdInPipe, params.CreateStdOutPipe, params.CreateStdErrPipe = io.stdin, io.stdout, io.stderr
	err := s.cfg.call("CreateProcess", func(ctx context.Context) error {
		dp, err := s.sys.CreateProcess(ctx, s.processRequest(params, stdio))
		p.Process = dp
		return err
	})
	for _, f := range theirs {
		f.Close()
	}
	if err != nil {
		return nil, err
	}
	return p, nil
}

// processRequest asks for a process whose exit the recorder receives.
func (s *sut) processRequest(params *schema.ProcessParameters, stdio driver.Stdio) driver.ProcessRequest {
	return driver.ProcessRequest{Params: params, Stdio: stdio, OnExit: s.rec.ProcessExited}
}

// pipe returns a pipe whose ends are closed when the test ends.
func (s *sut) pipe() (r, w *os.File) {
	s.t.Helper()
	r, w, err := os.Pipe()
	if err != nil {
		s.t.Fatalf("pipe: %v", err)
	}
	s.t.Cleanup(func() {
		r.Close()
		w.Close()
	})
	return r, w
}

// collect reads f until EOF in the background.
func (s *sut) collect(f *os.File) *output {
	o := &output{f: f, done: make(chan struct{})}
	go o.read()
	return o
}

func (o *output) read() {
	defer close(o.done)
	buf := make([]byte, 64<<10)
	for {
		n, err := o.f.Read(buf)
		o.mu.Lock()
		o.data = append(o.data, buf[:n]...)
		if err != nil && err != io.EOF {
			o.err = err
		}
		o.mu.Unlock()
		if err != nil {
			return
		}
	}
}

// tail returns up to the last n bytes read so far.
func (o *output) tail(n int) []byte {
	o.mu.Lock()
	defer o.mu.Unlock()
	return slices.Clone(o.data[max(0, len(o.data)-n):])
}

// wait returns everything written to the pipe once every writer closed it.
func (o *output) wait(s *sut, name string) []byte {
	s.t.Helper()
	if !waitClosed(o.done, s.cfg.timeout()) {
		o.f.Close()
		s.t.Fatalf("%s: %s was not closed within %v", s.id, name, s.cfg.timeout())
	}
	o.mu.Lock()
	defer o.mu.Unlock()
	if o.err != nil {
		s.t.Fatalf("%s: reading %s: %v", s.id, name, o.err)
	}
	return o.data
}

// signal delivers sig to p, failing the test on error.
func (s *sut) signal(p driver.Process, sig int) {
	s.t.Helper()
	s.must("Signal", func(ctx context.Context) error { return p.Signal(ctx, sig) })
}

// kill kills p, failing the test on error.
func (s *sut) kill(p driver.Process) {
	s.t.Helper()
	s.must("Kill", p.Kill)
}

// eventually polls cond every 20ms until it holds or the timeout passes.
func (s *sut) eventually(cond func() bool) bool {
	deadline := time.Now().Add(s.cfg.timeout())
	for !cond() {
		if time.Now().After(deadline) {
			return false
		}
		time.Sleep(20 * time.Millisecond)
	}
	return true
}
