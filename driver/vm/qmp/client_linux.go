package qmp

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"os"
	"sync"
	"time"

	"golang.org/x/sys/unix"
)

// ErrClosed is returned by commands once the connection has ended.
var ErrClosed = errors.New("qmp: connection closed")

// Client is a QMP connection. It is safe for concurrent use.
type Client struct {
	conn    *net.UnixConn
	onEvent func(Event)
	done    chan struct{}

	wmu sync.Mutex // serialises writes

	mu      sync.Mutex
	nextID  uint64
	pending map[uint64]chan *message
	err     error
}

// Dial connects to the QMP socket at path, reads the greeting and leaves capabilities
// negotiation mode. onEvent (may be nil) receives every event, in order, from the client's
// reading goroutine: it must not block for long nor call the client.
func Dial(ctx context.Context, path string, onEvent func(Event)) (*Client, error) {
	var d net.Dialer
	nc, err := d.DialContext(ctx, "unix", path)
	if err != nil {
		return nil, fmt.Errorf("qmp: connect to %s: %w", path, err)
	}
	c := &Client{conn: nc.(*net.UnixConn), onEvent: onEvent, done: make(chan struct{}), pending: map[uint64]chan *message{}}
	r := bufio.NewReaderSize(c.conn, 64<<10)
	if err := c.greeting(ctx, r); err != nil {
		c.conn.Close()
		return nil, err
	}
	go c.readLoop(r)
	if err := c.Execute(ctx, "qmp_capabilities", nil, nil); err != nil {
		c.Close()
		return nil, err
	}
	return c, nil
}

// greeting reads QEMU's first message within ctx.
func (c *Client) greeting(ctx context.Context, r *bufio.Reader) error {
	stop := context.AfterFunc(ctx, func() { c.conn.SetReadDeadline(time.Unix(1, 0)) })
	defer stop()
	line, err := readLine(r)
	if err != nil {
		if ctx.Err() != nil {
			return fmt.Errorf("qmp: greeting: %w", ctx.Err())
		}
		return fmt.Errorf("qmp: greeting: %w", err)
	}
	if _, k, err := parse(line); err != nil || k != kindGreeting {
		return fmt.Errorf("qmp: expected the greeting, got %.80q", line)
	}
	c.conn.SetReadDeadline(time.Time{})
	return nil
}

// readLine reads one line of at most MaxLineSize bytes.
func readLine(r *bufio.Reader) ([]byte, error) {
	var line []byte
	for {
		chunk, err := r.ReadSlice('\n')
		line = append(line, chunk...)
		if len(line) > MaxLineSize {
			return nil, fmt.Errorf("qmp: a message exceeds %d bytes", MaxLineSize)
		}
		if err != bufio.ErrBufferFull {
			return bytes.TrimSpace(line), err
		}
	}
}

// readLoop dispatches responses and events until the connection ends.
func (c *Client) readLoop(r *bufio.Reader) {
	for {
		line, err := readLine(r)
		if err == nil && len(line) == 0 {
			continue
		}
		if err != nil {
			c.fail(err)
			return
		}
		m, k, err := parse(line)
		if err != nil {
			c.fail(err)
			return
		}
		c.dispatch(m, k)
	}
}

// dispatch delivers one message.
func (c *Client) dispatch(m *message, k kind) {
	switch k {
	case kindEvent:
		if c.onEvent != nil {
			c.onEvent(m.event())
		}
	case kindResponse:
		if m.ID == nil {
			return
		}
		c.mu.Lock()
		ch := c.pending[*m.ID]
		delete(c.pending, *m.ID)
		c.mu.Unlock()
		if ch != nil {
			ch <- m
		}
	}
}

// fail ends the connection (the first call decides why). The reason leaves out the socket's
// address a *net.OpError prints: it is the service's own path, which means nothing to the
// caller whose VM failed.
func (c *Client) fail(err error) {
	var op *net.OpError
	if errors.As(err, &op) {
		err = op.Err
	}
	c.mu.Lock()
	if c.err == nil {
		c.err = fmt.Errorf("%w: %v", ErrClosed, err)
		close(c.done)
	}
	c.mu.Unlock()
	c.conn.Close()
}

// Done is closed when the connection has ended (QEMU exited or Close was called).
func (c *Client) Done() <-chan struct{} { return c.done }

// Close ends the connection.
func (c *Client) Close() error {
	c.fail(errors.New("closed by the client"))
	return nil
}

// Execute runs a command and decodes its return value into out (ignored when nil).
func (c *Client) Execute(ctx context.Context, command string, args, out any) error {
	return c.ExecuteWithFile(ctx, command, args, nil, out)
}

// ExecuteWithFile runs a command with f's descriptor attached (SCM_RIGHTS), as getfd and
// add-fd expect. f may be nil.
func (c *Client) ExecuteWithFile(ctx context.Context, command string, args any, f *os.File, out any) error {
	id, ch, err := c.register()
	if err != nil {
		return err
	}
	req := map[string]any{"execute": command, "id": id}
	if args != nil {
		req["arguments"] = args
	}
	b, err := json.Marshal(req)
	if err == nil {
		err = c.write(append(b, '\n'), f)
	}
	if err != nil {
		c.unregister(id)
		return fmt.Errorf("qmp: %s: %w", command, err)
	}
	select {
	case m := <-ch:
		if m.Error != nil {
			return fmt.Errorf("%s: %w", command, m.Error)
		}
		if out != nil && len(m.Return) > 0 {
			return json.Unmarshal(m.Return, out)
		}
		return nil
	case <-ctx.Done():
		c.unregister(id)
		return fmt.Errorf("qmp: %s: %w", command, ctx.Err())
	case <-c.done:
		return fmt.Errorf("qmp: %s: %w", command, c.closedErr())
	}
}

// write sends one line, with f's descriptor attached when f is not nil.
func (c *Client) write(b []byte, f *os.File) error {
	c.wmu.Lock()
	defer c.wmu.Unlock()
	if f == nil {
		_, err := c.conn.Write(b)
		return err
	}
	_, _, err := c.conn.WriteMsgUnix(b, unix.UnixRights(int(f.Fd())), nil)
	return err
}

func (c *Client) register() (uint64, chan *message, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.err != nil {
		return 0, nil, c.err
	}
	c.nextID++
	ch := make(chan *message, 1)
	c.pending[c.nextID] = ch
	return c.nextID, ch, nil
}

func (c *Client) unregister(id uint64) {
	c.mu.Lock()
	delete(c.pending, id)
	c.mu.Unlock()
}

func (c *Client) closedErr() error {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.err
}
