package client

import (
	"context"
	"sync/atomic"

	"github.com/linuxhcs/hcs/wire"
)

// Process is HCS_PROCESS: a handle to a process inside a compute system. Closing it never
// stops the process and never closes stdio files the caller already received.
type Process struct {
	h      *handle
	system *System
	pid    atomic.Uint32
}

func newProcess(s *System) *Process {
	return &Process{h: newHandle(s.h.c, "process", EventProcessExited), system: s}
}

func (p *Process) deliver(ev wire.Event) { p.h.deliver(ev) }
func (p *Process) serviceDisconnected()  { p.h.serviceDisconnected() }
func (p *Process) stopEvents()           { p.h.events.close() }

// ID returns the process id inside the compute system, or 0 while the creating call has not
// completed.
func (p *Process) ID() uint32 { return p.pid.Load() }

// System returns the system handle the process was created or opened through.
func (p *Process) System() *System { return p.system }

// CreateProcess is HcsCreateProcess: it returns a process handle at once and starts the
// process asynchronously; the service validates the ProcessParameters document (see
// requireDocument). The operation's ResultAndProcessInfo gives the pid and the caller's ends
// of the requested stdio streams.
func (s *System) CreateProcess(processParameters string, op *Operation) (*Process, error) {
	// A call that fails before it starts returns no process handle, so the operation names none.
	ca := call{typ: OperationTypeCreateProcess, system: s, events: &s.h.events}
	if err := s.h.hold(); err != nil {
		return nil, op.fail(ca, err)
	}
	if err := requireDocument("ProcessParameters", processParameters); err != nil {
		s.h.unhold()
		return nil, op.fail(ca, err)
	}
	p := newProcess(s)
	ca.process = p
	if err := op.begin(ca); err != nil {
		s.h.unhold()
		return nil, err
	}
	p.h.opening(p)
	op.run(func(ctx context.Context) (string, *ProcessInformation, error) {
		defer s.h.unhold()
		info, err := p.create(ctx, processParameters)
		p.h.created(err)
		if err != nil {
			return "", nil, err
		}
		return "", processInformation(info), nil
	})
	return p, nil
}

// create runs the service call that creates the process, through its system handle, which
// the caller holds.
func (p *Process) create(ctx context.Context, params string) (wire.ProcessInfo, error) {
	s := p.system
	sref, err := s.h.resolveHeld()
	if err != nil {
		return wire.ProcessInfo{}, err
	}
	info, err := s.h.c.svc.CreateProcess(ctx, sref, p.h.ref, params)
	if err = s.h.c.serviceErr(err); err != nil {
		return wire.ProcessInfo{}, err
	}
	p.pid.Store(info.ProcessID)
	return info, nil
}

func processInformation(info wire.ProcessInfo) *ProcessInformation {
	return &ProcessInformation{ProcessID: info.ProcessID, StdInput: info.StdInput, StdOutput: info.StdOutput, StdError: info.StdError}
}

// OpenProcess is HcsOpenProcess: a handle to an existing process of the system by pid. An
// exit that already happened is reported to the handle's callback when it is registered.
// ctx bounds the wait for a system handle still being created and the call itself, as for
// OpenComputeSystem.
func (s *System) OpenProcess(ctx context.Context, processID uint32, requestedAccess uint32) (*Process, error) {
	what := "opening process " + itoa(int64(processID))
	if err := s.h.hold(); err != nil { // the system handle stays the service's until the call is done
		return nil, err
	}
	defer s.h.unhold()
	if err := s.h.await(ctx, s.h.ready, what); err != nil {
		return nil, err
	}
	sref, err := s.h.resolveHeld()
	if err != nil {
		return nil, err
	}
	p := newProcess(s)
	p.pid.Store(processID)
	err = p.h.open(ctx, p, what, func(ctx context.Context) error {
		return s.h.c.svc.OpenProcess(ctx, sref, p.h.ref, processID)
	})
	if err != nil {
		return nil, err
	}
	return p, nil
}

// Close is HcsCloseProcess: it releases the handle only. Calls already made on it go on, as
// for System.Close.
func (p *Process) Close() error {
	p.h.close()
	return nil
}

// SetCallback is HcsSetProcessCallback. EventProcessExited is delivered even when the process
// exited before the callback was registered.
func (p *Process) SetCallback(options EventOptions, callback EventCallback) error {
	return p.h.setCallback(options, callback)
}

// WaitForExit is HcsWaitForProcessExit: it blocks until the process exits or ctx ends and
// returns the ProcessStatus document.
func (p *Process) WaitForExit(ctx context.Context) (string, error) {
	return p.h.waitExit(ctx)
}
