package client

import (
	"context"

	"github.com/linuxhcs/hcs/hresult"
	"github.com/linuxhcs/hcs/wire"
)

// GenericAll is GENERIC_ALL, the only access HcsOpenComputeSystem accepts.
const GenericAll uint32 = 0x10000000

// System is HCS_SYSTEM: one handle to a compute system. Several handles may refer to the same
// system; closing one never stops the system unless it was created with
// ShouldTerminateOnLastHandleClosed and this was the last handle anywhere.
type System struct {
	h  *handle
	id string
}

func newSystem(c *Client, id string) *System {
	return &System{h: newHandle(c, "compute system", EventSystemExited), id: id}
}

func (s *System) deliver(ev wire.Event) { s.h.deliver(ev) }
func (s *System) serviceDisconnected()  { s.h.serviceDisconnected() }
func (s *System) stopEvents()           { s.h.events.close() }

// ID returns the compute-system id the handle was created or opened with.
func (s *System) ID() string { return s.id }

// CreateComputeSystem is HcsCreateComputeSystem: it validates id, returns a handle at once
// and creates the system asynchronously, tracked by op; the service validates the
// ComputeSystem document (see requireDocument). The handle must be closed even if the
// creation later fails.
func (c *Client) CreateComputeSystem(id, configuration string, op *Operation) (*System, error) {
	// A call that fails before it starts returns no handle, so the operation names none.
	failed := call{typ: OperationTypeCreate}
	if err := c.check(); err != nil {
		return nil, op.fail(failed, err)
	}
	if err := wire.ValidateSystemID(id); err != nil {
		return nil, op.fail(failed, err)
	}
	if err := requireDocument("ComputeSystem", configuration); err != nil {
		return nil, op.fail(failed, err)
	}
	s := newSystem(c, id)
	if err := op.begin(call{typ: OperationTypeCreate, system: s}); err != nil {
		return nil, err
	}
	s.h.opening(s)
	op.run(func(ctx context.Context) (string, *ProcessInformation, error) {
		err := c.serviceErr(c.svc.CreateSystem(ctx, s.h.ref, id, configuration))
		s.h.created(err)
		return "", nil, err
	})
	return s, nil
}

// OpenComputeSystem is HcsOpenComputeSystem: a new handle to an existing system.
// requestedAccess must be GenericAll, as HCS requires. When ctx ends first the call returns
// the error described at Operation.Wait, and a handle the service opens after all is closed
// again.
func (c *Client) OpenComputeSystem(ctx context.Context, id string, requestedAccess uint32) (*System, error) {
	if err := c.check(); err != nil {
		return nil, err
	}
	if err := wire.ValidateSystemID(id); err != nil {
		return nil, err
	}
	if requestedAccess != GenericAll {
		return nil, hresult.Errorf(hresult.E_INVALIDARG, "requestedAccess: 0x%08X, must be GENERIC_ALL (0x10000000)", requestedAccess)
	}
	s := newSystem(c, id)
	err := s.h.open(ctx, s, "opening compute system "+id, func(ctx context.Context) error {
		return c.svc.OpenSystem(ctx, s.h.ref, id)
	})
	if err != nil {
		return nil, err
	}
	return s, nil
}

// Close is HcsCloseComputeSystem: it releases the handle only. No event callback runs after
// it returns; it waits for a running callback unless called from inside it. Calls already
// made on the handle go on with their real result: the handle was taken when each was made,
// and the service lets go of it once the last is done.
func (s *System) Close() error {
	s.h.close()
	return nil
}

// SetCallback is HcsSetComputeSystemCallback: registers the handle's one event callback. An
// exit that happened before registration is delivered at once.
func (s *System) SetCallback(options EventOptions, callback EventCallback) error {
	return s.h.setCallback(options, callback)
}

// WaitForExit is HcsWaitForComputeSystemExit: it blocks until the system exits or ctx ends
// (with the error described at Operation.Wait) and returns the SystemExitStatus document. A
// system that already exited returns at once.
func (s *System) WaitForExit(ctx context.Context) (string, error) {
	return s.h.waitExit(ctx)
}

// async validates a call on s and runs it tracked by op.
func (s *System) async(op *Operation, typ OperationType, validate func() error,
	work func(ctx context.Context, ref wire.Ref) (string, error)) error {
	ca := call{typ: typ, system: s, events: &s.h.events}
	return s.h.track(op, ca, validate, func(ctx context.Context, ref wire.Ref) (string, *ProcessInformation, error) {
		doc, err := work(ctx, ref)
		return doc, nil, err
	})
}

// lifecycle runs one of the lifecycle operations through the service.
func (s *System) lifecycle(op *Operation, typ OperationType, wop wire.SystemOp, options string) error {
	return s.async(op, typ, nil, func(ctx context.Context, ref wire.Ref) (string, error) {
		return "", s.h.c.svc.SystemOp(ctx, ref, wop, options)
	})
}
