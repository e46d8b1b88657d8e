package mux

import (
	"context"

	"github.com/linuxhcs/hcs/internal/fdconn"
)

// Call sends the request that build makes for a fresh non-zero ID, with fds attached (the
// caller keeps them), and waits for its response. It fails with:
//   - ctx.Err() itself when ctx ends first (a response that comes later is discarded, and
//     the request may still complete on the other side);
//   - the Write error when the request was refused before being sent (NotSent);
//   - Err() when the connection ended before the response arrived.
func (c *Caller[M]) Call(ctx context.Context, build func(id uint64) M, fds []int) (Reply[M], error) {
	if err := c.acquire(ctx); err != nil {
		return Reply[M]{}, err
	}
	defer c.release()
	id, ch, err := c.register()
	if err != nil {
		return Reply[M]{}, err
	}
	if err := c.conn.Write(build(id), fds); err != nil {
		c.unregister(id)
		if NotSent(err) {
			return Reply[M]{}, err
		}
		c.lose(err)
		return Reply[M]{}, c.Err()
	}
	return c.wait(ctx, id, ch)
}

// acquire takes an in-flight slot, when calls are bounded.
func (c *Caller[M]) acquire(ctx context.Context) error {
	if c.slots == nil {
		return nil
	}
	select {
	case c.slots <- struct{}{}:
		return nil
	case <-c.done:
		return c.Err()
	case <-ctx.Done():
		return ctx.Err()
	}
}

func (c *Caller[M]) release() {
	if c.slots != nil {
		<-c.slots
	}
}

// register allocates a request ID and the channel its response arrives on.
func (c *Caller[M]) register() (uint64, chan Reply[M], error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.err != nil {
		return 0, nil, c.err
	}
	c.nextID++
	ch := make(chan Reply[M], 1)
	c.pending[c.nextID] = ch
	return c.nextID, ch, nil
}

func (c *Caller[M]) unregister(id uint64) {
	c.mu.Lock()
	delete(c.pending, id)
	c.mu.Unlock()
}

// wait waits for the response to request id.
func (c *Caller[M]) wait(ctx context.Context, id uint64, ch chan Reply[M]) (Reply[M], error) {
	select {
	case r := <-ch:
		return r, nil
	case <-c.done:
		select {
		case r := <-ch: // delivered just before the end
			return r, nil
		default:
			return Reply[M]{}, c.Err()
		}
	case <-ctx.Done():
		c.unregister(id)
		select {
		case r := <-ch: // delivered while giving up
			fdconn.CloseFDs(r.FDs)
		default:
		}
		return Reply[M]{}, ctx.Err()
	}
}
