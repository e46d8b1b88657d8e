package client

import (
	"context"
	"strconv"
	"testing"
	"time"

	"github.com/linuxhcs/hcs/hresult"
	"github.com/linuxhcs/hcs/wire"
)

const (
	systemExitDoc  = `{"Status":0,"ExitType":"GracefulExit"}`
	processExitDoc = `{"ProcessId":4002,"Exited":true,"ExitCode":0,"LastWaitResult":0}`
)

// exitCase is a handle kind with its exit event.
type exitCase struct {
	name string
	typ  EventType
	doc  string
	open func(t *testing.T, c *Client) (ref wire.Ref, set func(EventOptions, EventCallback) error, wait func(context.Context) (string, error))
}

var exitCases = []exitCase{
	{"system", EventSystemExited, systemExitDoc,
		func(t *testing.T, c *Client) (wire.Ref, func(EventOptions, EventCallback) error, func(context.Context) (string, error)) {
			s := createSystem(t, c, "exits")
			return s.testRef(t), s.SetCallback, s.WaitForExit
		}},
	{"process", EventProcessExited, processExitDoc,
		func(t *testing.T, c *Client) (wire.Ref, func(EventOptions, EventCallback) error, func(context.Context) (string, error)) {
			p := createProcess(t, createSystem(t, c, "exits"))
			return p.testRef(t), p.SetCallback, p.WaitForExit
		}},
}

func TestExitIsDeliveredToCallbackRegisteredAfterIt(t *testing.T) {
	for _, tc := range exitCases {
		t.Run(tc.name, func(t *testing.T) {
			f, c := newTestClient(t)
			ref, set, _ := tc.open(t, c)
			f.push(t, wire.Event{Handle: ref, Type: tc.typ, Data: tc.doc})
			f.sync(t)
			rec := newEventRecorder()
			if err := set(EventOptionNone, rec.callback); err != nil {
				t.Fatal(err)
			}
			if ev := rec.expect(t, tc.typ); ev.Data != tc.doc {
				t.Fatalf("exit data %q, want %q", ev.Data, tc.doc)
			}
			// A repeated exit is not delivered again: the marker comes next.
			f.push(t, wire.Event{Handle: ref, Type: tc.typ, Data: tc.doc})
			f.push(t, wire.Event{Handle: ref, Type: EventSystemCrashReport})
			rec.expect(t, EventSystemCrashReport)
		})
	}
}

func TestExitIsDeliveredOnceWhileRegistered(t *testing.T) {
	for _, tc := range exitCases {
		t.Run(tc.name, func(t *testing.T) {
			f, c := newTestClient(t)
			ref, set, _ := tc.open(t, c)
			rec := newEventRecorder()
			if err := set(EventOptionNone, rec.callback); err != nil {
				t.Fatal(err)
			}
			f.push(t, wire.Event{Handle: ref, Type: tc.typ, Data: tc.doc})
			f.push(t, wire.Event{Handle: ref, Type: tc.typ, Data: tc.doc})
			f.push(t, wire.Event{Handle: ref, Type: EventSystemCrashReport})
			rec.expect(t, tc.typ)
			rec.expect(t, EventSystemCrashReport)
		})
	}
}

func TestWaitForExitReturnsTheExitStatus(t *testing.T) {
	for _, tc := range exitCases {
		t.Run(tc.name, func(t *testing.T) {
			f, c := newTestClient(t)
			ref, _, waitExit := tc.open(t, c)
			got := make(chan string, 1)
			go func() {
				doc, err := waitExit(context.Background())
				if err != nil {
					doc = err.Error()
				}
				got <- doc
			}()
			f.push(t, wire.Event{Handle: ref, Type: tc.typ, Data: tc.doc})
			if doc := recv(t, got, "WaitForExit to return"); doc != tc.doc {
				t.Fatalf("WaitForExit gave %q, want %q", doc, tc.doc)
			}
			// Once exited, even a wait whose time is already up returns the status.
			for i := range 200 {
				doc, err := waitExit(expiredCtx())
				if err != nil || doc != tc.doc {
					t.Fatalf("poll %d after the exit: %q, %v", i, doc, err)
				}
			}
		})
	}
}

func TestWaitForExitTimeoutReturnsOperationTimeout(t *testing.T) {
	for _, tc := range exitCases {
		t.Run(tc.name, func(t *testing.T) {
			_, c := newTestClient(t)
			_, _, waitExit := tc.open(t, c)
			ctx, cancel := context.WithTimeout(context.Background(), time.Millisecond)
			defer cancel()
			_, err := waitExit(ctx)
			wantCode(t, "WaitForExit", err, hresult.HCS_E_OPERATION_TIMEOUT)
		})
	}
	t.Run("while the system is being created", func(t *testing.T) {
		f, c := newTestClient(t)
		g := f.gate("CreateSystem")
		op := NewOperation(nil, nil)
		defer op.Close()
		s, err := c.CreateComputeSystem("slow", systemDoc, op)
		if err != nil {
			t.Fatal(err)
		}
		defer s.Close()
		g.wait(t)
		done := make(chan error, 1)
		go func() {
			ctx, cancel := context.WithTimeout(context.Background(), time.Millisecond)
			defer cancel()
			_, err := s.WaitForExit(ctx)
			done <- err
		}()
		err = recv(t, done, "WaitForExit to time out")
		g.open(t, fakeReply{})
		wantCode(t, "WaitForExit", err, hresult.HCS_E_OPERATION_TIMEOUT)
		mustWait(t, op)
	})
}

func TestEventBeforeCreatingCallReturnedIsDelivered(t *testing.T) {
	t.Run("system event", func(t *testing.T) {
		f, c := newTestClient(t)
		registered := make(chan struct{})
		f.handle("CreateSystem", func(c fakeCall) fakeReply {
			<-registered
			ref := c.NewRef
			f.send(wire.Event{Handle: ref, Type: EventSystemCrashInitiated, Data: "early"}, nil)
			f.send(wire.Event{Handle: unknownRef}, nil) // the early event has been routed
			return fakeReply{}
		})
		op := NewOperation(nil, nil)
		defer op.Close()
		s, err := c.CreateComputeSystem("early", systemDoc, op)
		if err != nil {
			t.Fatal(err)
		}
		defer s.Close()
		rec := newEventRecorder()
		if err := s.SetCallback(EventOptionNone, rec.callback); err != nil {
			t.Fatal(err)
		}
		close(registered)
		mustWait(t, op)
		if ev := rec.expect(t, EventSystemCrashInitiated); ev.Data != "early" {
			t.Fatalf("event data %q", ev.Data)
		}
	})
	t.Run("process exit", func(t *testing.T) {
		f, c := newTestClient(t)
		s := createSystem(t, c, "early-exit")
		f.handle("CreateProcess", func(c fakeCall) fakeReply {
			ref := c.NewRef
			f.send(wire.Event{Handle: ref, Type: EventProcessExited, Data: processExitDoc}, nil)
			f.send(wire.Event{Handle: unknownRef}, nil)
			return fakeReply{}
		})
		p := createProcess(t, s)
		rec := newEventRecorder()
		if err := p.SetCallback(EventOptionNone, rec.callback); err != nil {
			t.Fatal(err)
		}
		if ev := rec.expect(t, EventProcessExited); ev.Data != processExitDoc {
			t.Fatalf("event data %q", ev.Data)
		}
		if doc, err := p.WaitForExit(testCtx(t)); err != nil || doc != processExitDoc {
			t.Fatalf("WaitForExit: %q, %v", doc, err)
		}
	})
}

func TestEventsBeforeAndAfterCreationStayInOrder(t *testing.T) {
	f, c := newTestClient(t)
	const early, total = 20, 2000
	registered := make(chan struct{})
	pushed := make(chan struct{})
	f.handle("CreateSystem", func(c fakeCall) fakeReply {
		<-registered
		ref := c.NewRef
		for i := range early {
			f.send(wire.Event{Handle: ref, Type: EventSystemCrashInitiated, Data: strconv.Itoa(i)}, nil)
		}
		go func() { // the rest race with the handle's registration
			defer close(pushed)
			for i := early; i < total; i++ {
				f.send(wire.Event{Handle: ref, Type: EventSystemCrashInitiated, Data: strconv.Itoa(i)}, nil)
			}
		}()
		return fakeReply{}
	})
	op := NewOperation(nil, nil)
	defer op.Close()
	s, err := c.CreateComputeSystem("order-early", systemDoc, op)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	rec := newEventRecorder()
	if err := s.SetCallback(EventOptionNone, rec.callback); err != nil {
		t.Fatal(err)
	}
	close(registered)
	mustWait(t, op)
	for i := range total {
		if ev := rec.next(t); ev.Data != strconv.Itoa(i) {
			t.Fatalf("event %d has data %q: events were reordered", i, ev.Data)
		}
	}
	waitClosed(t, pushed, "the fake to push every event")
}
