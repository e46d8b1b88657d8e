package agentsession

import (
	"context"
	"sync"
)

// Holder keeps a system's session, which exists only once the system's agent connected.
// The zero value holds none; it is safe for concurrent use.
type Holder struct {
	mu sync.Mutex
	s  *Session
}

// Connect connects a session (see Connect) and keeps it.
func (h *Holder) Connect(ctx context.Context, dial Dialer, opts Options) (*Session, error) {
	s, err := Connect(ctx, dial, opts)
	if err != nil {
		return nil, err
	}
	h.mu.Lock()
	h.s = s
	h.mu.Unlock()
	return s, nil
}

// Get returns the session, nil before the agent connected.
func (h *Holder) Get() *Session {
	h.mu.Lock()
	defer h.mu.Unlock()
	return h.s
}
