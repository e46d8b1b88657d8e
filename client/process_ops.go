package client

import (
	"context"

	"github.com/linuxhcs/hcs/wire"
)

// async validates a call on p and runs it tracked by op.
func (p *Process) async(op *Operation, typ OperationType, validate func() error,
	work func(ctx context.Context, ref wire.Ref) (string, *ProcessInformation, error)) error {
	return p.h.track(op, call{typ: typ, system: p.system, process: p, events: &p.h.events}, validate, work)
}

// Terminate is HcsTerminateProcess: a forced kill (SIGKILL). HCS documents no operation type
// for it; the operation reports OperationTypeSignalProcess, since on Linux terminating is
// signalling. options is reserved.
func (p *Process) Terminate(op *Operation, options string) error {
	return p.async(op, OperationTypeSignalProcess, nil,
		func(ctx context.Context, ref wire.Ref) (string, *ProcessInformation, error) {
			return "", nil, p.h.c.svc.ProcessOp(ctx, ref, wire.OpTerminateProcess, options)
		})
}

// Signal is HcsSignalProcess with a SignalProcessOptions document ({"Signal": 15}).
func (p *Process) Signal(op *Operation, options string) error {
	return p.async(op, OperationTypeSignalProcess, nil,
		func(ctx context.Context, ref wire.Ref) (string, *ProcessInformation, error) {
			return "", nil, p.h.c.svc.ProcessOp(ctx, ref, wire.OpSignalProcess, options)
		})
}

// GetInfo is HcsGetProcessInfo: the operation's ResultAndProcessInfo gives the pid and new
// duplicates of the caller's stdio ends, which the caller owns.
func (p *Process) GetInfo(op *Operation) error {
	return p.async(op, OperationTypeGetProcessInfo, nil,
		func(ctx context.Context, ref wire.Ref) (string, *ProcessInformation, error) {
			info, err := p.h.c.svc.ProcessInfo(ctx, ref)
			if err != nil {
				return "", nil, err
			}
			return "", processInformation(info), nil
		})
}

// GetProperties is HcsGetProcessProperties: the result document is a ProcessStatus.
// propertyQuery has no known fields; any well-formed document is accepted.
func (p *Process) GetProperties(op *Operation, propertyQuery string) error {
	return p.async(op, OperationTypeGetProcessProperties, nil,
		func(ctx context.Context, ref wire.Ref) (string, *ProcessInformation, error) {
			doc, err := p.h.c.svc.ProcessProperties(ctx, ref, propertyQuery)
			return doc, nil, err
		})
}

// Modify is HcsModifyProcess with a ProcessModifyRequest document (console size, or closing
// a std handle).
func (p *Process) Modify(op *Operation, settings string) error {
	validate := func() error { return requireDocument("ProcessModifyRequest", settings) }
	return p.async(op, OperationTypeModifyProcess, validate,
		func(ctx context.Context, ref wire.Ref) (string, *ProcessInformation, error) {
			return "", nil, p.h.c.svc.ModifyProcess(ctx, ref, settings)
		})
}
