package client

import "context"

// Do runs one asynchronous call the Go way: it creates an operation, passes it to call, waits
// for the result under ctx and closes the operation. It returns the call's result document
// and error. A ctx that has already ended when Do is called stops the call before it starts;
// when ctx ends later, the call keeps running in the service and its result is discarded.
// The error of an ended ctx is that of Operation.Wait.
//
//	_, err := client.Do(ctx, func(op *client.Operation) error { return sys.Start(op, "") })
func Do(ctx context.Context, call func(op *Operation) error) (string, error) {
	if ctx.Err() != nil {
		return "", ctxErr(ctx, "call not started")
	}
	op := NewOperation(nil, nil)
	defer op.Close()
	if err := call(op); err != nil {
		return "", err
	}
	return op.Wait(ctx)
}

// DoProcess is Do for calls that yield process information (CreateProcess, GetInfo).
func DoProcess(ctx context.Context, call func(op *Operation) error) (ProcessInformation, string, error) {
	if ctx.Err() != nil {
		return ProcessInformation{}, "", ctxErr(ctx, "call not started")
	}
	op := NewOperation(nil, nil)
	defer op.Close()
	if err := call(op); err != nil {
		return ProcessInformation{}, "", err
	}
	return op.WaitAndProcessInfo(ctx)
}
