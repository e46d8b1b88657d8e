package client

import (
	"sync"

	"github.com/linuxhcs/hcs/hresult"
)

// eventQueue delivers the events of one handle to its callback, one at a time and in the
// order they were pushed, on a goroutine that exists only while there is something to
// deliver. It implements the callback rules of spec HCS-API.md §4.2: one callback per handle,
// and close waits for a running callback unless close is called from inside it.
type eventQueue struct {
	mu       sync.Mutex
	callback EventCallback
	options  EventOptions
	pending  []Event
	closed   bool
	pumpOn   callbackThread // thread of the goroutine delivering events, while it runs
	pumpDone chan struct{}  // closed when that goroutine stops
}

// set registers the handle's one callback.
func (q *eventQueue) set(options EventOptions, cb EventCallback) error {
	q.mu.Lock()
	defer q.mu.Unlock()
	switch {
	case q.closed:
		return hresult.New(hresult.ERROR_INVALID_HANDLE, "handle is closed")
	case q.callback != nil:
		return hresult.New(hresult.HCS_E_OPERATION_SYSTEM_CALLBACK_ALREADY_SET, "an event callback is already registered on this handle")
	case cb == nil:
		return hresult.New(hresult.E_INVALIDARG, "callback: required")
	}
	q.callback, q.options = cb, options
	return nil
}

// registered reports whether a callback is set.
func (q *eventQueue) registered() bool {
	q.mu.Lock()
	defer q.mu.Unlock()
	return q.callback != nil
}

// operationSink returns q when operation completions on this handle are to be delivered as
// EventOperationCallback events, and nil otherwise. It is safe on a nil queue.
func (q *eventQueue) operationSink() *eventQueue {
	if q == nil {
		return nil
	}
	q.mu.Lock()
	defer q.mu.Unlock()
	if q.callback != nil && q.options&EventOptionEnableOperationCallbacks != 0 {
		return q
	}
	return nil
}

// push queues ev for delivery. Events pushed with no callback registered, or after close,
// are dropped.
func (q *eventQueue) push(ev Event) {
	q.mu.Lock()
	defer q.mu.Unlock()
	if q.closed || q.callback == nil {
		return
	}
	q.pending = append(q.pending, ev)
	if q.pumpDone == nil {
		q.pumpDone = make(chan struct{})
		go q.pump(q.pumpDone)
	}
}

// pump delivers queued events until the queue is empty or closed, locked to its thread so
// close can tell a call from inside a callback (see callbackthread.go).
func (q *eventQueue) pump(done chan struct{}) {
	defer close(done)
	defer unlockCallbackThread()
	on := lockCallbackThread()
	q.mu.Lock()
	q.pumpOn = on
	for len(q.pending) > 0 && !q.closed {
		ev := q.pending[0]
		q.pending = q.pending[1:]
		cb := q.callback
		q.mu.Unlock()
		cb(ev)
		q.mu.Lock()
	}
	q.pumpOn, q.pumpDone = noCallbackThread, nil
	q.pending = nil
	q.mu.Unlock()
}

// close stops delivery: no callback starts after close returns. It waits for a callback
// that is running on another goroutine, and returns at once when called from inside one.
func (q *eventQueue) close() {
	q.mu.Lock()
	q.closed = true
	q.pending = nil
	done, fromCallback := q.pumpDone, q.pumpOn.onThread()
	q.mu.Unlock()
	if done == nil || fromCallback {
		return
	}
	<-done
}
