package mux

import (
	"errors"
	"sync"
	"testing"
	"time"

	"github.com/linuxhcs/hcs/hresult"
)

func TestDispatchHoldsBackWhileSlotsAreBusy(t *testing.T) {
	a, b := pair(t)
	var mu sync.Mutex
	running, most := 0, 0
	hold := make(chan struct{})
	respond(t, b, 2, func(req *msg) (string, []int) {
		mu.Lock()
		running++
		most = max(most, running)
		mu.Unlock()
		<-hold
		mu.Lock()
		running--
		mu.Unlock()
		return "", nil
	})
	c := caller(t, a, 0)
	var wg sync.WaitGroup
	for range 5 {
		wg.Go(func() {
			if _, err := c.Call(testCtx(t), request("x"), nil); err != nil {
				t.Error(err)
			}
		})
	}
	time.Sleep(100 * time.Millisecond)
	mu.Lock()
	n := running
	mu.Unlock()
	if n != 2 {
		t.Errorf("%d handlers run at once, want the 2 slots", n)
	}
	close(hold)
	wg.Wait()
	mu.Lock()
	defer mu.Unlock()
	if most != 2 {
		t.Fatalf("at most %d handlers ran at once, want 2", most)
	}
}

func TestDispatchStopsOnRouteErrorAndStop(t *testing.T) {
	a, b := pair(t)
	var wg sync.WaitGroup
	route := func(m *msg, fds []int) (func(), error) {
		if m.Kind == "bad" {
			return nil, hresult.New(hresult.HCS_E_PROTOCOL_ERROR, "bad")
		}
		return nil, nil // handled at once
	}
	a.Write(&msg{Kind: "note"}, nil)
	a.Write(&msg{Kind: "bad"}, nil)
	err := Dispatch(b, Dispatcher[*msg]{Slots: make(chan struct{}, 1), Handlers: &wg, Route: route})
	if !errors.Is(err, hresult.HCS_E_PROTOCOL_ERROR) {
		t.Fatalf("Dispatch = %v, want Route's error", err)
	}

	c, d := pair(t)
	stop := make(chan struct{})
	slots := make(chan struct{}, 1)
	slots <- struct{}{} // every slot busy: the next request waits for one, or for stop
	c.Write(&msg{Kind: "req", ID: 1}, nil)
	go func() { time.Sleep(20 * time.Millisecond); close(stop) }()
	err = Dispatch(d, Dispatcher[*msg]{Slots: slots, Stop: stop, Handlers: &wg,
		Route: func(*msg, []int) (func(), error) { return func() { t.Error("handler ran after stop") }, nil }})
	if err != nil {
		t.Fatalf("Dispatch after stop = %v, want nil", err)
	}
	wg.Wait()
}
