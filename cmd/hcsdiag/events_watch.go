package main

import (
	"sync"
	"time"

	"github.com/linuxhcs/hcs/client"
	"github.com/linuxhcs/hcs/hresult"
	"github.com/linuxhcs/hcs/schema"
)

// watcher follows one system (only) or all of them: a callback on a handle to each for the
// service's events, and a poll of the enumeration for new systems and state changes.
type watcher struct {
	e    *env
	pr   *eventPrinter
	only string

	mu      sync.Mutex
	watched map[string]*watched // guarded by mu

	disconnected chan struct{}
	discOnce     sync.Once
}

// attach opens id and registers the event callback.
func (w *watcher) attach(id string, state schema.State) error {
	s, err := w.e.openSystem(id)
	if err != nil {
		return err
	}
	ws := &watched{handle: s, state: state, exited: make(chan struct{})}
	w.mu.Lock()
	w.watched[id] = ws
	w.mu.Unlock()
	return s.SetCallback(client.EventOptionNone, func(ev client.Event) { w.onEvent(id, ws, ev) })
}

// onEvent prints a service event; after SystemExited the handle is let go.
func (w *watcher) onEvent(id string, ws *watched, ev client.Event) {
	switch ev.Type {
	case client.EventServiceDisconnect:
		w.disconnect()
		return
	case client.EventSystemExited:
		w.pr.print(id, eventName(ev.Type), ev.Data)
		w.mu.Lock()
		ws.state = schema.StateStopped
		h := ws.takeHandle()
		w.mu.Unlock()
		if h != nil { // the first exit event of this handle
			close(ws.exited)
			h.Close() // allowed inside the handle's own callback
		}
		return
	}
	w.pr.print(id, eventName(ev.Type), ev.Data)
}

// disconnect reports the end of the service once.
func (w *watcher) disconnect() {
	w.discOnce.Do(func() {
		w.pr.print("-", "ServiceDisconnect", "")
		close(w.disconnected)
	})
}

// loop polls until the followed system exits, the service goes away or hcsdiag is
// interrupted.
func (w *watcher) loop() error {
	defer w.closeAll()
	query := ""
	var exited chan struct{}
	if w.only != "" {
		query = mustJSON(schema.SystemQuery{Ids: []string{w.only}})
		w.mu.Lock()
		exited = w.watched[w.only].exited
		w.mu.Unlock()
	}
	tick := time.NewTicker(pollInterval)
	defer tick.Stop()
	for first := true; ; first = false {
		systems, err := w.e.enumerate(query)
		if err != nil && w.e.ctx.Err() != nil {
			return nil // interrupted: the normal end of a stream
		}
		if hresult.Is(err, hresult.HCS_E_SERVICE_DISCONNECT) {
			w.disconnect()
			return errDisconnected
		}
		if err != nil {
			return err
		}
		w.update(systems, first)
		select {
		case <-w.e.ctx.Done():
			return nil
		case <-w.disconnected:
			return errDisconnected
		case <-exited: // nil (never ready) when following all systems
			return nil
		case <-tick.C:
		}
	}
}

// update compares an enumeration with what is known: new systems are attached (and, after
// the first look, reported), state changes reported, vanished systems forgotten.
func (w *watcher) update(systems []schema.Properties, first bool) {
	for _, s := range systems {
		w.mu.Lock()
		ws, known := w.watched[s.Id]
		w.mu.Unlock()
		if !known {
			if w.only != "" {
				continue
			}
			if err := w.attach(s.Id, s.State); err != nil {
				continue // gone again already
			}
			if !first {
				w.pr.print(s.Id, "Created", mustJSON(map[string]schema.State{"State": s.State}))
			}
			continue
		}
		w.mu.Lock()
		prev := ws.state
		changed := prev != s.State && prev != schema.StateStopped
		if changed {
			ws.state = s.State
		}
		w.mu.Unlock()
		if changed && prev != "" && s.State != schema.StateStopped {
			w.pr.print(s.Id, "StateChange", mustJSON(struct{ State, Previous schema.State }{s.State, prev}))
		}
	}
	w.forgetVanished(systems)
}

// forgetVanished drops the systems the service no longer lists.
func (w *watcher) forgetVanished(systems []schema.Properties) {
	var handles []*client.System
	w.mu.Lock()
	for id, ws := range w.watched {
		if _, ok := stateOf(systems, id); !ok && id != w.only {
			handles = append(handles, ws.takeHandle())
			delete(w.watched, id)
		}
	}
	w.mu.Unlock()
	closeHandles(handles)
}

// closeAll releases every handle.
func (w *watcher) closeAll() {
	var handles []*client.System
	w.mu.Lock()
	for _, ws := range w.watched {
		handles = append(handles, ws.takeHandle())
	}
	w.mu.Unlock()
	closeHandles(handles)
}

// closeHandles closes handles outside w.mu: Close waits for a running callback, and
// callbacks take w.mu.
func closeHandles(handles []*client.System) {
	for _, h := range handles {
		if h != nil {
			h.Close()
		}
	}
}
