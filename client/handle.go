package client

import (
	"context"
	"sync"

	"github.com/linuxhcs/hcs/hresult"
	"github.com/linuxhcs/hcs/wire"
)

// handle is what system and process handles share: the service reference (chosen by the
// client before the creating call is sent, valid once that call succeeded), the event queue,
// and the remembered exit event, delivered to a callback even when it is registered after
// the exit.
type handle struct {
	c    *Client
	kind string // "compute system" or "process", for messages
	ref  wire.Ref

	ready     chan struct{} // closed once the creating call completed; createErr is then set
	createErr error

	events eventQueue

	mu     sync.Mutex
	closed bool
	// holds counts the calls made on the handle that have not finished: the service keeps
	// the reference until the last of them is done, so closing the handle right after a call
	// never drops that call.
	holds         int
	exitType      EventType
	exit          *Event
	exitDelivered bool
	exited        chan struct{}
	releaseOnce   sync.Once
}

func newHandle(c *Client, kind string, exitType EventType) *handle {
	return &handle{c: c, kind: kind, ref: c.newRef(), exitType: exitType, ready: make(chan struct{}), exited: make(chan struct{})}
}

// opening routes the handle's events to target. It is called before the call that opens the
// handle is sent, so even an event the service emits before answering finds the handle.
func (h *handle) opening(target eventTarget) { h.c.register(h.ref, target) }

// open runs the synchronous call that opens the handle (OpenSystem, OpenProcess) under ctx,
// as syncCall does, routing the handle's events to target from just before the call is sent.
// The service is not told when the caller stops waiting: the call runs to its end, so that a
// handle it opens after all is known, and closed again.
func (h *handle) open(ctx context.Context, target eventTarget, what string, call func(ctx context.Context) error) error {
	_, err := syncCall(h.c, ctx, what, func(ctx context.Context) (struct{}, error) {
		h.opening(target)
		err := call(context.WithoutCancel(ctx))
		h.created(err)
		return struct{}{}, err
	}, func(_ struct{}, err error) {
		if err == nil {
			h.close()
		}
	})
	return err
}

// created records the outcome of the call that made the handle; a failed call leaves nothing
// to route events to.
func (h *handle) created(err error) {
	if err != nil {
		h.createErr = err
		h.c.unregister(h.ref)
	}
	close(h.ready)
	h.releaseIfUnused() // closed while being created: release the service side now
}

// resolve waits until the handle's creating call completed and returns its reference.
func (h *handle) resolve() (wire.Ref, error) {
	if err := h.checkOpen(); err != nil {
		return 0, err
	}
	return h.resolveHeld()
}

func notFoundCode(kind string) hresult.HRESULT {
	if kind == "process" {
		return hresult.ERROR_NOT_FOUND
	}
	return hresult.HCS_E_SYSTEM_NOT_FOUND
}

func (h *handle) checkOpen() error {
	if err := h.c.check(); err != nil {
		return err
	}
	h.mu.Lock()
	defer h.mu.Unlock()
	return h.closedErrLocked()
}

func (h *handle) closedErrLocked() error {
	if h.closed {
		return hresult.New(hresult.ERROR_INVALID_HANDLE, h.kind+" handle is closed")
	}
	return nil
}

// deliver receives an event from the service.
func (h *handle) deliver(ev wire.Event) {
	e := Event{Type: ev.Type, Data: ev.Data}
	h.mu.Lock()
	defer h.mu.Unlock()
	if ev.Type == h.exitType {
		if h.exit != nil {
			return // one exit per object
		}
		h.exit = &e
		close(h.exited)
		if !h.events.registered() {
			return // kept for a callback registered later
		}
		h.exitDelivered = true
	}
	h.events.push(e)
}

func (h *handle) serviceDisconnected() {
	h.events.push(Event{Type: EventServiceDisconnect})
}

// setCallback registers the handle's event callback, delivering a past exit at once.
func (h *handle) setCallback(options EventOptions, cb EventCallback) error {
	if err := h.checkOpen(); err != nil {
		return err
	}
	h.mu.Lock()
	defer h.mu.Unlock()
	if err := h.events.set(options, cb); err != nil {
		return err
	}
	if h.exit != nil && !h.exitDelivered {
		h.exitDelivered = true
		h.events.push(*h.exit)
	}
	return nil
}

// waitExit blocks until the object exited and returns the exit event's document. The wait
// for a handle still being created is bounded by ctx too.
func (h *handle) waitExit(ctx context.Context) (string, error) {
	if err := h.checkOpen(); err != nil {
		return "", err
	}
	if _, err := h.resolveCtx(ctx, "waiting for "+h.kind+" exit"); err != nil {
		return "", err
	}
	if err := h.await(ctx, h.exited, "waiting for "+h.kind+" exit"); err != nil {
		return "", err
	}
	h.mu.Lock()
	defer h.mu.Unlock()
	return h.exit.Data, nil
}

// resolveCtx is resolve with the wait for a handle still being created bounded by ctx.
func (h *handle) resolveCtx(ctx context.Context, what string) (wire.Ref, error) {
	if err := h.checkOpen(); err != nil {
		return 0, err
	}
	if err := h.await(ctx, h.ready, what); err != nil {
		return 0, err
	}
	return h.resolve()
}

// await waits for ch to be closed, the client to go away, or ctx to end (see ctxErr). A
// closed ch wins over an ended ctx, so a wait whose time is already up still sees what has
// happened.
func (h *handle) await(ctx context.Context, ch <-chan struct{}, what string) error {
	select {
	case <-ch:
		return nil
	case <-h.c.disconnected:
		return h.c.check()
	case <-ctx.Done():
		select {
		case <-ch:
			return nil
		default:
			return ctxErr(ctx, what)
		}
	}
}

// close releases the handle: no callback runs after it returns. A handle still being created
// is released when its creation completes, one that calls still hold when the last of them
// is done.
func (h *handle) close() {
	h.mu.Lock()
	if h.closed {
		h.mu.Unlock()
		return
	}
	h.closed = true
	h.mu.Unlock()
	h.events.close()
	h.releaseIfUnused()
}

// hold takes the handle for one call when the call is made: from then on the call no
// longer depends on the handle staying open, only on its creation succeeding (see
// resolveHeld). Each hold that succeeded is ended by unhold.
func (h *handle) hold() error {
	if err := h.c.check(); err != nil {
		return err
	}
	h.mu.Lock()
	defer h.mu.Unlock()
	if err := h.closedErrLocked(); err != nil {
		return err
	}
	h.holds++
	return nil
}

// track runs one call on the handle tracked by op: the handle is held from the moment the
// call is made (see hold) until work is done, and work gets its service reference.
func (h *handle) track(op *Operation, ca call, validate func() error,
	work func(ctx context.Context, ref wire.Ref) (string, *ProcessInformation, error)) error {
	if err := h.hold(); err != nil {
		return op.fail(ca, err)
	}
	if validate != nil {
		if err := validate(); err != nil {
			h.unhold()
			return op.fail(ca, err)
		}
	}
	if err := op.begin(ca); err != nil {
		h.unhold()
		return err
	}
	op.run(func(ctx context.Context) (string, *ProcessInformation, error) {
		defer h.unhold()
		ref, err := h.resolveHeld()
		if err != nil {
			return "", nil, err
		}
		doc, info, err := work(ctx, ref)
		return doc, info, h.c.serviceErr(err)
	})
	return nil
}

// unhold ends a call's hold; ending the last hold on a closed handle releases it.
func (h *handle) unhold() {
	h.mu.Lock()
	h.holds--
	h.mu.Unlock()
	h.releaseIfUnused()
}

// resolveHeld is resolve for a call that holds the handle: it waits until the creating call
// completed and returns the reference even when the handle was closed since the call was
// made.
func (h *handle) resolveHeld() (wire.Ref, error) {
	<-h.ready
	if h.createErr != nil {
		return 0, hresult.Wrap(h.createErr, notFoundCode(h.kind), "the "+h.kind+" was not created")
	}
	return h.ref, nil
}

// releaseIfUnused releases a closed handle whose creation succeeded once no call holds it;
// whichever of close, created and unhold comes last does it.
func (h *handle) releaseIfUnused() {
	select {
	case <-h.ready:
	default:
		return // created() decides
	}
	h.mu.Lock()
	unused := h.closed && h.holds == 0
	h.mu.Unlock()
	if unused && h.createErr == nil {
		h.release()
	}
}

// release unregisters the handle and tells the service, once, whichever of close and
// created gets here first.
func (h *handle) release() {
	h.releaseOnce.Do(func() {
		h.c.unregister(h.ref)
		h.releaseService()
	})
}

// releaseService tells the service the handle is gone; the kind decides which call.
func (h *handle) releaseService() {
	ctx := background()
	if h.kind == "process" {
		_ = h.c.svc.CloseProcess(ctx, h.ref)
	} else {
		_ = h.c.svc.CloseSystem(ctx, h.ref)
	}
}
