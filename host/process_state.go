package host

import (
	"context"

	"github.com/linuxhcs/hcs/hresult"
	"github.com/linuxhcs/hcs/schema"
	"github.com/linuxhcs/hcs/wire"
)

func (p *process) hasExited() bool {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.status != nil
}

// onExit is the process's exit sink, given to the driver before the process exists.
func (p *process) onExit(pid uint32, exitCode uint32) {
	p.exited(schema.ProcessStatus{ProcessId: pid, Exited: true, ExitCode: exitCode})
}

// exited records the process's exit once and, when the process is listed, announces it.
func (p *process) exited(status schema.ProcessStatus) {
	p.mu.Lock()
	if p.status != nil {
		p.mu.Unlock()
		return
	}
	p.status = &status
	listed := p.listed
	p.mu.Unlock()
	if listed {
		p.announceExit()
	}
}

// announceExit drops the host's stdio duplicates, tells every handle (ProcessExited with
// the ProcessStatus document) and leaves the table when nothing refers to the process.
func (p *process) announceExit() {
	p.mu.Lock()
	status := *p.status
	keys := make([]handleKey, 0, len(p.handles))
	for k := range p.handles {
		keys = append(keys, k)
	}
	unreferenced := len(p.handles) == 0 && !p.retained
	p.mu.Unlock()
	p.stdio.close()
	data := mustJSON(status)
	for _, k := range keys {
		k.emit(eventProcessExited, data)
	}
	if unreferenced {
		p.s.dropProcess(p)
	}
}

// release drops one handle; an exited process with no handles left leaves the table.
func (p *process) release(k handleKey) {
	p.mu.Lock()
	delete(p.handles, k)
	p.retained = false
	gone := len(p.handles) == 0 && p.status != nil
	p.mu.Unlock()
	if gone {
		p.s.dropProcess(p)
	}
}

func (s *system) dropProcess(p *process) {
	s.mu.Lock()
	if s.procs[p.pid] == p {
		delete(s.procs, p.pid)
	}
	s.mu.Unlock()
}

// alive returns HCS_E_PROCESS_ALREADY_STOPPED once the process exited.
func (p *process) alive() error {
	if p.hasExited() {
		return hresult.Errorf(hresult.HCS_E_PROCESS_ALREADY_STOPPED, "process %d has already exited", p.pid)
	}
	return nil
}

// info returns the pid and fresh duplicates of the caller's stdio ends.
func (p *process) info() (wire.ProcessInfo, error) {
	if err := p.alive(); err != nil {
		return wire.ProcessInfo{}, err
	}
	in, out, errf, err := p.stdio.callerFiles()
	if err != nil {
		return wire.ProcessInfo{}, err
	}
	return wire.ProcessInfo{ProcessID: p.pid, StdInput: in, StdOutput: out, StdError: errf}, nil
}

// properties returns the ProcessStatus document.
func (p *process) properties() string {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.status != nil {
		return mustJSON(p.status)
	}
	return mustJSON(schema.ProcessStatus{ProcessId: p.pid})
}

// signal delivers the signal named by a SignalProcessOptions document (SIGTERM when none).
func (p *process) signal(ctx context.Context, doc string) error {
	opts, err := schema.DecodeOptional[schema.SignalProcessOptions]("SignalProcessOptions", doc)
	if err != nil {
		return err
	}
	sig, err := signalNumber(opts)
	if err != nil {
		return err
	}
	if err := p.alive(); err != nil {
		return err
	}
	return p.s.wrap(p.dp.Signal(ctx, sig))
}

// terminate kills the process.
func (p *process) terminate(ctx context.Context) error {
	if err := p.alive(); err != nil {
		return err
	}
	return p.s.wrap(p.dp.Kill(ctx))
}

// modify applies a ProcessModifyRequest.
func (p *process) modify(ctx context.Context, doc string) error {
	req := new(schema.ProcessModifyRequest)
	if err := schema.DecodeRequired("ProcessModifyRequest", doc, req); err != nil {
		return err
	}
	if err := p.alive(); err != nil {
		return err
	}
	switch req.Operation {
	case schema.ModifyOperationConsoleSize:
		return p.resize(ctx, req.ConsoleSize.Height, req.ConsoleSize.Width)
	case schema.ModifyOperationCloseHandle:
		return p.stdio.closeHandle(req.CloseHandle.Handle)
	}
	return hresult.Errorf(hresult.E_INVALIDARG, "$.Operation: %q is not supported", req.Operation)
}

func (p *process) resize(ctx context.Context, height, width uint16) error {
	if r, ok := p.dp.(interface {
		ResizeConsole(context.Context, uint16, uint16) error
	}); ok {
		return p.s.wrap(r.ResizeConsole(ctx, height, width))
	}
	return p.stdio.resize(height, width)
}
