package client

import (
	"context"
	"errors"
	"sync"

	"github.com/linuxhcs/hcs/hresult"
)

// ctxErr is the error of a call or wait that ctx stopped. A cancelled ctx gives
// HCS_E_OPERATION_ALREADY_CANCELLED, the HCS code for a cancelled operation (HCS-API.md §3),
// wrapping context.Canceled; a ctx whose deadline passed gives HCS_E_OPERATION_TIMEOUT, what
// HcsWaitForOperationResult reports when its timeout expires, wrapping
// context.DeadlineExceeded. errors.Is matches both the code and the context error.
func ctxErr(ctx context.Context, what string) error {
	err := ctx.Err()
	if errors.Is(err, context.DeadlineExceeded) {
		return hresult.Wrap(err, hresult.HCS_E_OPERATION_TIMEOUT, what+": the deadline passed first")
	}
	return hresult.Wrap(err, hresult.HCS_E_OPERATION_ALREADY_CANCELLED, what+": cancelled")
}

// outcome is what a synchronous service call returned.
type outcome[T any] struct {
	v   T
	err error
}

// syncCall runs a synchronous service call for the caller, under ctx. A ctx that has already
// ended stops the call before it is sent. A ctx that ends while the service works stops the
// wait at once; the call itself is passed ctx, which the embedded host sees (the socket
// protocol has no way to tell hcsd, which finishes the call; its answer is dropped).
// abandoned, when not nil, receives what a call the caller stopped waiting for returned in
// the end (a handle the caller will never see must be released); it runs on the call's own
// goroutine. Exactly one of the caller and abandoned gets the result.
func syncCall[T any](c *Client, ctx context.Context, what string, call func(ctx context.Context) (T, error), abandoned func(T, error)) (T, error) {
	if err := c.callable(ctx, what); err != nil {
		var zero T
		return zero, err
	}
	return runSync(c, ctx, what, call, abandoned)
}

// callable returns the error of a call that must not be sent: the client is closed or
// disconnected, or ctx has ended.
func (c *Client) callable(ctx context.Context, what string) error {
	if err := c.check(); err != nil {
		return err
	}
	if ctx.Err() != nil {
		return ctxErr(ctx, what)
	}
	return nil
}

// runSync is syncCall once callable allowed the call: it always runs call.
func runSync[T any](c *Client, ctx context.Context, what string, call func(ctx context.Context) (T, error), abandoned func(T, error)) (T, error) {
	var zero T
	var mu sync.Mutex // orders the hand-over of the result against giving up
	gaveUp := false
	done := make(chan outcome[T], 1)
	go func() {
		v, err := call(ctx)
		err = c.serviceErr(err)
		mu.Lock()
		defer mu.Unlock()
		if gaveUp {
			if abandoned != nil {
				abandoned(v, err)
			}
			return
		}
		done <- outcome[T]{v, err}
	}()
	select {
	case r := <-done:
		return r.v, stoppedErr(ctx, what, r.err)
	case <-ctx.Done():
	}
	mu.Lock()
	defer mu.Unlock()
	select {
	case r := <-done: // finished as ctx ended: the caller gets the result
		return r.v, stoppedErr(ctx, what, r.err)
	default:
		gaveUp = true
		return zero, ctxErr(ctx, what)
	}
}

// stoppedErr reports a call that failed because ctx ended (the service noticed first) as one
// that ctx stopped, so both ways of stopping give the same error.
func stoppedErr(ctx context.Context, what string, err error) error {
	if err != nil && ctx.Err() != nil && errors.Is(err, ctx.Err()) {
		return ctxErr(ctx, what)
	}
	return err
}

// syncNone is syncCall for a call that returns nothing but its error.
func syncNone(c *Client, ctx context.Context, what string, call func(ctx context.Context) error) error {
	_, err := syncCall(c, ctx, what, func(ctx context.Context) (struct{}, error) {
		return struct{}{}, call(ctx)
	}, nil)
	return err
}
