// Package queue provides an unbounded FIFO that never blocks its producers. The agent and
// the protocol client use it where a slow consumer (a socket writer, a user callback) must not
// stall the goroutine that produces items (the reaper, the frame reader). Callers bound the
// number of items by other means (bounded exit log, bounded requests in flight).
package queue

import "sync"

// Queue is an unbounded FIFO of T for any number of producers and one consumer. The zero
// value is not usable; call New.
type Queue[T any] struct {
	// wake holds a token while items may be waiting; it never blocks Put.
	wake chan struct{}

	mu     sync.Mutex
	items  []T
	closed bool
}

// New returns an empty, open queue.
func New[T any]() *Queue[T] {
	return &Queue[T]{wake: make(chan struct{}, 1)}
}

// Put appends v. It reports false, and drops v, when the queue is closed.
func (q *Queue[T]) Put(v T) bool {
	q.mu.Lock()
	if q.closed {
		q.mu.Unlock()
		return false
	}
	q.items = append(q.items, v)
	q.mu.Unlock()
	q.signal()
	return true
}

// Get removes and returns the oldest item, waiting until there is one. It returns ok false
// once the queue is closed, or when done is closed first.
func (q *Queue[T]) Get(done <-chan struct{}) (v T, ok bool) {
	for {
		q.mu.Lock()
		if q.closed {
			q.mu.Unlock()
			return v, false
		}
		if len(q.items) > 0 {
			v = q.items[0]
			var zero T
			q.items[0] = zero
			q.items = q.items[1:]
			if len(q.items) == 0 {
				q.items = nil
			}
			q.mu.Unlock()
			return v, true
		}
		q.mu.Unlock()
		select {
		case <-q.wake:
		case <-done:
			return v, false
		}
	}
}

// Close closes the queue and returns the items that were never taken, so the caller can
// release what they hold.
func (q *Queue[T]) Close() []T {
	q.mu.Lock()
	left := q.items
	q.items = nil
	q.closed = true
	q.mu.Unlock()
	q.signal()
	return left
}

// Len returns the number of waiting items.
func (q *Queue[T]) Len() int {
	q.mu.Lock()
	defer q.mu.Unlock()
	return len(q.items)
}

func (q *Queue[T]) signal() {
	select {
	case q.wake <- struct{}{}:
	default:
	}
}
