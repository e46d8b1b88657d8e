package client

import (
	"context"

	"github.com/linuxhcs/hcs/wire"
)

// Start is HcsStartComputeSystem. options is reserved (NULL or "").
func (s *System) Start(op *Operation, options string) error {
	return s.lifecycle(op, OperationTypeStart, wire.OpStart, options)
}

// ShutDown is HcsShutDownComputeSystem: a graceful stop. options is empty or a
// ShutdownOptions document.
func (s *System) ShutDown(op *Operation, options string) error {
	return s.lifecycle(op, OperationTypeShutdown, wire.OpShutDown, options)
}

// Terminate is HcsTerminateComputeSystem: a forced stop. options is reserved.
func (s *System) Terminate(op *Operation, options string) error {
	return s.lifecycle(op, OperationTypeTerminate, wire.OpTerminate, options)
}

// Crash is HcsCrashComputeSystem. options is empty or a CrashOptions document.
func (s *System) Crash(op *Operation, options string) error {
	return s.lifecycle(op, OperationTypeCrash, wire.OpCrash, options)
}

// Pause is HcsPauseComputeSystem. options is empty or a PauseOptions document.
func (s *System) Pause(op *Operation, options string) error {
	return s.lifecycle(op, OperationTypePause, wire.OpPause, options)
}

// Resume is HcsResumeComputeSystem. options is reserved.
func (s *System) Resume(op *Operation, options string) error {
	return s.lifecycle(op, OperationTypeResume, wire.OpResume, options)
}

// Save is HcsSaveComputeSystem. options is empty or a SaveOptions document.
func (s *System) Save(op *Operation, options string) error {
	return s.lifecycle(op, OperationTypeSave, wire.OpSave, options)
}

// GetProperties is HcsGetComputeSystemProperties: the operation's result document is a
// Properties document answering the optional System_PropertyQuery.
func (s *System) GetProperties(op *Operation, propertyQuery string) error {
	return s.async(op, OperationTypeGetProperties, nil, func(ctx context.Context, ref wire.Ref) (string, error) {
		return s.h.c.svc.SystemProperties(ctx, ref, propertyQuery)
	})
}

// Modify is HcsModifyComputeSystem with a ModifySettingRequest document. (The C function's
// identity token has no Linux meaning and is not taken.)
func (s *System) Modify(op *Operation, configuration string) error {
	validate := func() error { return requireDocument("ModifySettingRequest", configuration) }
	return s.async(op, OperationTypeModify, validate, func(ctx context.Context, ref wire.Ref) (string, error) {
		return "", s.h.c.svc.ModifySystem(ctx, ref, configuration)
	})
}

// EnumerateComputeSystems is HcsEnumerateComputeSystems: the operation's result document is
// a JSON array of Properties for the systems matching the optional SystemQuery.
func (c *Client) EnumerateComputeSystems(query string, op *Operation) error {
	ca := call{typ: OperationTypeEnumerate}
	if err := c.check(); err != nil {
		return op.fail(ca, err)
	}
	if err := op.begin(ca); err != nil {
		return err
	}
	op.run(func(ctx context.Context) (string, *ProcessInformation, error) {
		doc, err := c.svc.EnumerateSystems(ctx, query)
		return doc, nil, c.serviceErr(err)
	})
	return nil
}
