package protocol

import (
	"io"
	"sync"
)

// source reads one local stream and sends it as Data within the granted window.
type source struct {
	r  *Relay
	id uint32
	f  io.ReadCloser

	mu      sync.Mutex
	credit  int
	stopped bool
	wake    chan struct{}
}

// run reads until end of file, an error or stop, then sends CloseStream (unless the peer
// closed the stream) and closes the file.
func (s *source) run() {
	defer s.r.forget(s.id, true)
	defer s.f.Close()
	buf := make([]byte, RelayChunk)
	for {
		n, ok := s.take(len(buf))
		if !ok {
			return
		}
		k, err := s.f.Read(buf[:n])
		if k > 0 {
			s.spend(k)
			if s.r.sendBody(TypeData, DataMessage{Stream: s.id, Data: buf[:k]}) != nil {
				return
			}
		}
		if err != nil {
			if !s.isStopped() {
				s.r.sendBody(TypeCloseStream, CloseStreamMessage{Stream: s.id})
			}
			return
		}
	}
}

// take waits for credit and returns how much may be read (at most max); false once the
// stream was stopped.
func (s *source) take(max int) (int, bool) {
	for {
		s.mu.Lock()
		c, stopped := s.credit, s.stopped
		s.mu.Unlock()
		if stopped {
			return 0, false
		}
		if c > 0 {
			return min(c, max), true
		}
		<-s.wake
	}
}

func (s *source) spend(n int) {
	s.mu.Lock()
	s.credit -= n
	s.mu.Unlock()
}

// grant adds credit from a Window.
func (s *source) grant(n int) {
	s.mu.Lock()
	s.credit += n
	s.mu.Unlock()
	s.poke()
}

// stop makes run return: a blocked read is interrupted by closing the file.
func (s *source) stop() {
	s.mu.Lock()
	already := s.stopped
	s.stopped = true
	s.mu.Unlock()
	if !already {
		s.f.Close()
		s.poke()
	}
}

func (s *source) isStopped() bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.stopped
}

func (s *source) poke() {
	select {
	case s.wake <- struct{}{}:
	default:
	}
}

// sinkItem is queued for a sink: bytes, a terminal size or the end of the stream.
type sinkItem struct {
	data   []byte
	resize *[2]uint16
	eof    bool
}

// sink writes one stream locally, granting Window as it goes.
type sink struct {
	r      *Relay
	id     uint32
	f      io.WriteCloser
	resize func(height, width uint16) error

	mu     sync.Mutex
	queue  []sinkItem
	queued int // bytes in queue
	wake   chan struct{}
}

// put queues an item. A peer that sends more than it was granted loses the stream.
func (s *sink) put(it sinkItem) {
	s.mu.Lock()
	s.queue = append(s.queue, it)
	s.queued += len(it.data)
	if s.queued > RelayWindow+RelayChunk {
		s.queue, s.queued = []sinkItem{{eof: true}}, 0
	}
	s.mu.Unlock()
	select {
	case s.wake <- struct{}{}:
	default:
	}
}

// next waits for the next item.
func (s *sink) next() sinkItem {
	for {
		s.mu.Lock()
		if len(s.queue) > 0 {
			it := s.queue[0]
			s.queue = s.queue[1:]
			s.queued -= len(it.data)
			s.mu.Unlock()
			return it
		}
		s.mu.Unlock()
		<-s.wake
	}
}

// run writes items in order until the end of the stream or a write error (the local
// reader is gone: the source is told to stop).
func (s *sink) run() {
	defer s.r.forget(s.id, false)
	defer s.f.Close()
	for {
		it := s.next()
		switch {
		case it.eof:
			return
		case it.resize != nil:
			if s.resize != nil {
				s.resize(it.resize[0], it.resize[1])
			}
		default:
			if _, err := s.f.Write(it.data); err != nil {
				s.r.sendBody(TypeCloseStream, CloseStreamMessage{Stream: s.id})
				s.drop()
				return
			}
			s.r.sendBody(TypeWindow, WindowMessage{Stream: s.id, Bytes: uint32(len(it.data))})
		}
	}
}

// drop forgets what is queued after a failed write.
func (s *sink) drop() {
	s.mu.Lock()
	s.queue, s.queued = nil, 0
	s.mu.Unlock()
}
