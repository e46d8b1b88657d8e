package host

import (
	"sync"
	"time"
)

// tasks tracks the goroutines and timers the host starts, so Close can wait for every one of
// them before it removes state they may still write. Once closed it starts nothing more:
// what arrives after Close (a late driver report, a reattach timer) belongs to a service
// that has stopped.
type tasks struct {
	mu      sync.Mutex
	idle    sync.Cond // signalled when running drops to zero
	running int
	timers  map[*time.Timer]struct{}
	closed  bool
}

func newTasks() *tasks {
	t := &tasks{timers: map[*time.Timer]struct{}{}}
	t.idle.L = &t.mu
	return t
}

// start runs fn on a new tracked goroutine and reports whether it did: after close it does
// not.
func (t *tasks) start(fn func()) bool {
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.closed {
		return false
	}
	t.running++
	go func() {
		defer t.done()
		fn()
	}()
	return true
}

func (t *tasks) done() {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.running--
	if t.running == 0 {
		t.idle.Broadcast()
	}
}

// after runs fn on a tracked goroutine once d has passed, unless the tasks are closed first.
func (t *tasks) after(d time.Duration, fn func()) {
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.closed {
		return
	}
	var timer *time.Timer
	timer = time.AfterFunc(d, func() {
		t.mu.Lock()
		delete(t.timers, timer)
		t.mu.Unlock()
		t.start(fn)
	})
	t.timers[timer] = struct{}{}
}

// stopTimers cancels the timers that have not fired: a stopping service does not act on
// them.
func (t *tasks) stopTimers() {
	t.mu.Lock()
	defer t.mu.Unlock()
	for timer := range t.timers {
		timer.Stop()
	}
	clear(t.timers)
}

// close waits until no tracked goroutine runs, then refuses new ones. Goroutines started
// while it waits (a stop reported during Close's own terminate) are waited for too.
func (t *tasks) close() {
	t.mu.Lock()
	defer t.mu.Unlock()
	for t.running > 0 {
		t.idle.Wait()
	}
	t.closed = true
	for timer := range t.timers { // armed while close waited
		timer.Stop()
	}
	clear(t.timers)
}
