package host

import (
	"sync"

	"github.com/linuxhcs/hcs/wire"
)

// maxQueuedEvents bounds the events waiting for a slow session. Events are hints (state is
// always queryable), so past the bound the oldest are dropped rather than stalling the
// lifecycle code that emits them.
const maxQueuedEvents = 1 << 16

// eventStream hands a session's events to its reader without ever blocking the emitter.
type eventStream struct {
	out  chan wire.Event
	done chan struct{}

	mu      sync.Mutex
	queue   []wire.Event
	wake    chan struct{}
	dropped uint64
	closed  bool
}

// newEventStream returns a stream whose pump is one of the host's tasks. When the host has
// closed, the stream starts at its end.
func newEventStream(t *tasks) *eventStream {
	e := &eventStream{out: make(chan wire.Event), done: make(chan struct{}), wake: make(chan struct{}, 1)}
	if !t.start(e.pump) {
		e.closed = true
		close(e.done)
		close(e.out)
	}
	return e
}

// emit queues ev; it never blocks.
func (e *eventStream) emit(ev wire.Event) {
	e.mu.Lock()
	if e.closed {
		e.mu.Unlock()
		return
	}
	if len(e.queue) >= maxQueuedEvents {
		e.queue = e.queue[1:]
		e.dropped++
	}
	e.queue = append(e.queue, ev)
	e.mu.Unlock()
	select {
	case e.wake <- struct{}{}:
	default:
	}
}

func (e *eventStream) pump() {
	defer close(e.out)
	for {
		ev, ok := e.next()
		if !ok {
			select {
			case <-e.wake:
				continue
			case <-e.done:
				return
			}
		}
		select {
		case e.out <- ev:
		case <-e.done:
			return
		}
	}
}

func (e *eventStream) next() (wire.Event, bool) {
	e.mu.Lock()
	defer e.mu.Unlock()
	if len(e.queue) == 0 {
		return wire.Event{}, false
	}
	ev := e.queue[0]
	e.queue = e.queue[1:]
	return ev, true
}

// close stops the stream; the reader sees the channel close.
func (e *eventStream) close() {
	e.mu.Lock()
	defer e.mu.Unlock()
	if !e.closed {
		e.closed = true
		e.queue = nil
		close(e.done)
	}
}
