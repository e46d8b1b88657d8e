package mux

import (
	"sync"

	"github.com/linuxhcs/hcs/internal/fdconn"
)

// Dispatcher configures Dispatch.
type Dispatcher[M any] struct {
	// Slots bounds the handlers running at once: each holds one until it returns. While
	// every slot is busy the connection is not read.
	Slots chan struct{}
	// Stop ends Dispatch (with no error) when closed.
	Stop <-chan struct{}
	// Handlers, when set, counts the handlers started, so the caller can wait for them.
	Handlers *sync.WaitGroup
	// Route looks at each message in turn. It returns the handler of a request, which then
	// owns the descriptors and runs in its own goroutine; or nil for a message it handled
	// itself (the descriptors are closed); or an error that ends the connection.
	Route func(m M, fds []int) (handle func(), err error)
}

// Dispatch reads c until the connection ends, Route fails or Stop is closed, and returns
// the error that ended it (nil for Stop). It does not close c and does not wait for the
// handlers it started.
func Dispatch[M any](c *Conn[M], d Dispatcher[M]) error {
	for {
		m, fds, err := c.Read()
		if err != nil {
			return err
		}
		handle, err := d.Route(m, fds)
		if err != nil || handle == nil {
			fdconn.CloseFDs(fds)
			if err != nil {
				return err
			}
			continue
		}
		select {
		case d.Slots <- struct{}{}:
		case <-d.Stop:
			fdconn.CloseFDs(fds)
			return nil
		}
		d.start(func() {
			defer func() { <-d.Slots }()
			handle()
		})
	}
}

// start runs f in a new goroutine, counted in Handlers when set.
func (d *Dispatcher[M]) start(f func()) {
	if d.Handlers != nil {
		d.Handlers.Go(f)
	} else {
		go f()
	}
}
