// Package tail keeps the last bytes of a stream: a guest's console or a container agent's
// output, quoted in crash reports and error messages.
package tail

import "sync"

// Buffer keeps the last bytes written to it. It is safe for concurrent use.
type Buffer struct {
	mu   sync.Mutex
	buf  []byte
	keep int
}

// New returns a Buffer that keeps the last keep bytes.
func New(keep int) *Buffer { return &Buffer{keep: keep} }

// Write implements io.Writer; it never fails.
func (b *Buffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.buf = append(b.buf, p...)
	if over := len(b.buf) - b.keep; over > 0 {
		b.buf = append(b.buf[:0], b.buf[over:]...)
	}
	return len(p), nil
}

// Bytes returns a copy of what is kept.
func (b *Buffer) Bytes() []byte {
	b.mu.Lock()
	defer b.mu.Unlock()
	return append([]byte(nil), b.buf...)
}

// String returns what is kept.
func (b *Buffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return string(b.buf)
}
