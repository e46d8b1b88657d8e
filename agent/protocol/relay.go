package protocol

import (
	"io"
	"sync"
)

// Relay moves the bytes of relayed streams over one connection, with flow control (see
// the Data message). Both sides use it: each registers the streams it reads locally as
// sources and those it writes locally as sinks, and hands every relay message it receives
// to Handle. A slow local reader or writer never blocks the connection: a source reads
// only as much as the sink granted, and a sink queues at most that much.
type Relay struct {
	send func(*Message) error

	mu      sync.Mutex
	sources map[uint32]*source
	sinks   map[uint32]*sink
	closed  bool
}

// NewRelay returns a relay that sends its messages with send, which may be called from
// any goroutine and should not block for long.
func NewRelay(send func(*Message) error) *Relay {
	return &Relay{send: send, sources: map[uint32]*source{}, sinks: map[uint32]*sink{}}
}

// sendBody sends a relay message; errors end nothing here (the connection's own reader
// notices a broken connection and closes the relay).
func (r *Relay) sendBody(t Type, body any) error {
	m, err := NewMessage(t, 0, body)
	if err != nil {
		return err
	}
	return r.send(m)
}

// AddSource starts relaying f, read locally, as stream id. The relay closes f.
func (r *Relay) AddSource(id uint32, f io.ReadCloser) {
	s := &source{r: r, id: id, f: f, credit: RelayWindow, wake: make(chan struct{}, 1)}
	r.mu.Lock()
	if r.closed {
		r.mu.Unlock()
		f.Close()
		return
	}
	r.sources[id] = s
	r.mu.Unlock()
	go s.run()
}

// AddSink registers f as the local writer of stream id. resize, when not nil, applies
// ResizeStream messages. The relay closes f.
func (r *Relay) AddSink(id uint32, f io.WriteCloser, resize func(height, width uint16) error) {
	s := &sink{r: r, id: id, f: f, resize: resize, wake: make(chan struct{}, 1)}
	r.mu.Lock()
	if r.closed {
		r.mu.Unlock()
		f.Close()
		return
	}
	r.sinks[id] = s
	r.mu.Unlock()
	go s.run()
}

// Resize sends a ResizeStream for a console's input stream.
func (r *Relay) Resize(id uint32, height, width uint16) error {
	return r.sendBody(TypeResizeStream, ResizeStreamMessage{Stream: id, Height: height, Width: width})
}

// IsRelayMessage reports whether t is handled by a Relay.
func IsRelayMessage(t Type) bool {
	switch t {
	case TypeData, TypeWindow, TypeCloseStream, TypeResizeStream:
		return true
	}
	return false
}

// Handle applies one relay message. Messages for unknown streams (already closed) are
// ignored; an undecodable body is an error.
func (r *Relay) Handle(m *Message) error {
	switch m.Type {
	case TypeData:
		var d DataMessage
		if err := m.DecodeBody(&d); err != nil {
			return err
		}
		if s := r.sink(d.Stream); s != nil {
			s.put(sinkItem{data: d.Data})
		}
	case TypeWindow:
		var w WindowMessage
		if err := m.DecodeBody(&w); err != nil {
			return err
		}
		if s := r.source(w.Stream); s != nil {
			s.grant(int(w.Bytes))
		}
	case TypeCloseStream:
		return r.handleClose(m)
	case TypeResizeStream:
		var z ResizeStreamMessage
		if err := m.DecodeBody(&z); err != nil {
			return err
		}
		if s := r.sink(z.Stream); s != nil {
			s.put(sinkItem{resize: &[2]uint16{z.Height, z.Width}})
		}
	}
	return nil
}

// handleClose ends a stream at the peer's request.
func (r *Relay) handleClose(m *Message) error {
	var c CloseStreamMessage
	if err := m.DecodeBody(&c); err != nil {
		return err
	}
	if s := r.sink(c.Stream); s != nil {
		s.put(sinkItem{eof: true})
	}
	if s := r.source(c.Stream); s != nil {
		s.stop()
	}
	return nil
}

func (r *Relay) sink(id uint32) *sink {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.sinks[id]
}

func (r *Relay) source(id uint32) *source {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.sources[id]
}

// forget removes a finished stream.
func (r *Relay) forget(id uint32, isSource bool) {
	r.mu.Lock()
	if isSource {
		delete(r.sources, id)
	} else {
		delete(r.sinks, id)
	}
	r.mu.Unlock()
}

// Close ends every stream at once, as when the connection is lost: sources stop reading
// and sinks close their writers after what they already queued.
func (r *Relay) Close() {
	r.mu.Lock()
	r.closed = true
	srcs, sinks := r.sources, r.sinks
	r.sources, r.sinks = map[uint32]*source{}, map[uint32]*sink{}
	r.mu.Unlock()
	for _, s := range srcs {
		s.stop()
	}
	for _, s := range sinks {
		s.put(sinkItem{eof: true})
	}
}

// endSink ends a sink registered for a spawn that failed (id 0: none).
func (r *Relay) endSink(id uint32) {
	if s := r.sink(id); s != nil {
		s.put(sinkItem{eof: true})
	}
}
