package main

import (
	"encoding/json"
	"errors"
	"io"
	"os"
	"os/signal"
	"sync"
	"syscall"
	"time"

	"github.com/linuxhcs/hcs/client"
	"github.com/linuxhcs/hcs/hresult"
	"github.com/linuxhcs/hcs/schema"
)

// outputGrace bounds how long output is still copied once the process has exited: a
// background child that keeps the stream open must not hold hcsdiag forever.
const outputGrace = 2 * time.Second

// runProcess starts spec in s, connects its streams to hcsdiag's, forwards signals and
// window sizes, and returns its exit code once it has exited and its output is copied.
func runProcess(e *env, s *client.System, spec *processSpec) (int, error) {
	if spec.tty && isTerminal(int(e.stdin.Fd())) {
		spec.interactive = true // keys typed on the terminal go to the process
	}
	params := mustJSON(spec.parameters(e))
	var proc *client.Process
	info, _, err := client.DoProcess(e.ctx, func(op *client.Operation) (err error) {
		proc, err = s.CreateProcess(params, op)
		return err
	})
	if proc != nil {
		defer proc.Close()
	}
	if err != nil {
		return 0, err
	}
	st := &stdio{e: e, proc: proc, info: info, tty: spec.tty}
	if err := st.start(spec.interactive); err != nil {
		st.close()
		return 0, err
	}
	status, err := waitProcess(e, proc, spec.tty)
	st.finish()
	if err != nil {
		return 0, err
	}
	return exitCodeOf(status)
}

// waitProcess waits for the exit, passing the signals hcsdiag receives on to the process.
func waitProcess(e *env, proc *client.Process, tty bool) (string, error) {
	type result struct {
		doc string
		err error
	}
	done := make(chan result, 1)
	go func() {
		doc, err := proc.WaitForExit(e.ctx)
		done <- result{doc, err}
	}()
	for {
		select {
		case r := <-done:
			return r.doc, r.err
		case sig := <-e.signals:
			n := int(sig.(syscall.Signal))
			e.do(func(op *client.Operation) error {
				return proc.Signal(op, mustJSON(schema.SignalProcessOptions{Signal: schema.SignalNumber(n)}))
			})
		}
	}
}

// exitCodeOf reads the exit code from a ProcessStatus document.
func exitCodeOf(doc string) (int, error) {
	var ps schema.ProcessStatus
	if err := json.Unmarshal([]byte(doc), &ps); err != nil {
		return 0, hresult.Wrap(err, hresult.HCS_E_INVALID_JSON, "the process's exit status")
	}
	if !ps.Exited || ps.LastWaitResult != 0 {
		return 0, hresult.Errorf(hresult.HRESULT(uint32(ps.LastWaitResult)), "the exit status of process %d is unknown", ps.ProcessId)
	}
	return int(ps.ExitCode), nil
}

// stdio copies a process's streams, and with a terminal keeps the local one in raw mode and
// sends window size changes on.
type stdio struct {
	e       *env
	proc    *client.Process
	info    client.ProcessInformation
	tty     bool
	restore func()
	winch   chan os.Signal
	outputs sync.WaitGroup
}

func (st *stdio) start(input bool) error {
	stdinFd := int(st.e.stdin.Fd())
	if st.tty && input && isTerminal(stdinFd) {
		restore, err := makeRaw(stdinFd)
		if err != nil {
			return hresult.Wrap(err, hresult.E_FAIL, "putting the terminal in raw mode")
		}
		st.restore = restore
	}
	if st.tty {
		st.winch = make(chan os.Signal, 1)
		signal.Notify(st.winch, syscall.SIGWINCH)
		go st.resizes()
	}
	st.copyOut(st.e.stdout, st.info.StdOutput)
	if st.info.StdError != nil {
		st.copyOut(st.e.stderr, st.info.StdError)
	}
	if input && st.info.StdInput != nil {
		go st.copyIn()
	}
	return nil
}

// copyOut copies one output stream until it ends (EIO on a terminal whose process is gone).
func (st *stdio) copyOut(w io.Writer, r *os.File) {
	if r == nil {
		return
	}
	st.outputs.Add(1)
	go func() {
		defer st.outputs.Done()
		io.Copy(w, r)
	}()
}

// copyIn copies hcsdiag's stdin to the process; at its end the process's stdin is closed.
func (st *stdio) copyIn() {
	_, err := io.Copy(st.info.StdInput, st.e.stdin)
	if errors.Is(err, os.ErrClosed) {
		return // the process has exited
	}
	st.e.do(func(op *client.Operation) error {
		return st.proc.Modify(op, `{"Operation":"CloseHandle","CloseHandle":{"Handle":"StdIn"}}`)
	})
	if !st.tty {
		st.info.StdInput.Close()
	}
}

// resizes sends the local terminal's size on each SIGWINCH.
func (st *stdio) resizes() {
	for range st.winch {
		h, w, ok := localSize(st.e)
		if !ok {
			continue
		}
		req := schema.ProcessModifyRequest{Operation: schema.ModifyOperationConsoleSize, ConsoleSize: &schema.ConsoleSize{Height: h, Width: w}}
		st.e.do(func(op *client.Operation) error { return st.proc.Modify(op, mustJSON(req)) })
	}
}

// finish waits a little for the rest of the output, then puts everything back.
func (st *stdio) finish() {
	done := make(chan struct{})
	go func() { st.outputs.Wait(); close(done) }()
	select {
	case <-done:
	case <-time.After(outputGrace):
	}
	st.close()
}

func (st *stdio) close() {
	if st.winch != nil {
		signal.Stop(st.winch)
		close(st.winch)
		st.winch = nil
	}
	if st.restore != nil {
		st.restore()
		st.restore = nil
	}
	for _, f := range []*os.File{st.info.StdInput, st.info.StdOutput, st.info.StdError} {
		if f != nil {
			f.Close()
		}
	}
}
