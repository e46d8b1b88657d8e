package mux

import (
	"context"
	"errors"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/linuxhcs/hcs/hresult"
	"github.com/linuxhcs/hcs/internal/fdconn"
	"github.com/linuxhcs/hcs/internal/testutil"
)

func testCtx(t *testing.T) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), patience)
	t.Cleanup(cancel)
	return ctx
}

func TestResponsesReachTheirCallersInAnyOrder(t *testing.T) {
	a, b := pair(t)
	release := make(chan struct{})
	respond(t, b, 4, func(req *msg) (string, []int) {
		if req.Text == "slow" {
			<-release
		}
		return "re " + req.Text, nil
	})
	c := caller(t, a, 0)
	slow := make(chan string, 1)
	go func() {
		r, err := c.Call(testCtx(t), request("slow"), nil)
		if err != nil {
			slow <- err.Error()
			return
		}
		slow <- r.Msg.Text
	}()
	r, err := c.Call(testCtx(t), request("fast"), nil)
	if err != nil || r.Msg.Text != "re fast" {
		t.Fatalf("fast call = %+v, %v", r.Msg, err)
	}
	close(release)
	if got := <-slow; got != "re slow" {
		t.Fatalf("slow call = %q", got)
	}
}

func TestResponsesCarryDescriptors(t *testing.T) {
	a, b := pair(t)
	respond(t, b, 1, func(req *msg) (string, []int) {
		f, err := os.Open("/dev/null")
		if err != nil {
			return err.Error(), nil
		}
		fd, _ := dupFD(f)
		f.Close()
		return "file", []int{fd}
	})
	c := caller(t, a, 0)
	r, err := c.Call(testCtx(t), request("x"), nil)
	if err != nil {
		t.Fatal(err)
	}
	defer fdconn.CloseFDs(r.FDs)
	if len(r.FDs) != 1 || r.Msg.Text != "file" {
		t.Fatalf("reply %+v with %d descriptors", r.Msg, len(r.FDs))
	}
}

func TestLostConnectionFailsPendingAndLaterCalls(t *testing.T) {
	a, b := pair(t)
	c := caller(t, a, 0)
	failed := make(chan error, 1)
	go func() {
		_, err := c.Call(testCtx(t), request("never answered"), nil)
		failed <- err
	}()
	if _, _, err := b.Read(); err != nil { // the request arrived; now the peer goes away
		t.Fatal(err)
	}
	b.Close()
	for _, err := range []error{<-failed, callErr(t, c)} {
		if !errors.Is(err, hresult.HCS_E_CONNECTION_CLOSED) {
			t.Fatalf("call = %v, want the Lost error", err)
		}
	}
	select {
	case <-c.Done():
	default:
		t.Fatal("Done is open after the connection ended")
	}
}

func callErr(t *testing.T, c *Caller[*msg]) error {
	_, err := c.Call(testCtx(t), request("later"), nil)
	return err
}

func TestCloseReasonWins(t *testing.T) {
	a, _ := pair(t)
	c := caller(t, a, 0)
	reason := errors.New("closed on purpose")
	c.Close(reason)
	c.Close(errors.New("second"))
	if err := callErr(t, c); err != reason || c.Err() != reason {
		t.Fatalf("call = %v, Err = %v, want %v", err, c.Err(), reason)
	}
}

func TestCancelledCallDiscardsItsLateResponse(t *testing.T) {
	a, b := pair(t)
	asked, answer := make(chan struct{}), make(chan struct{})
	respond(t, b, 1, func(req *msg) (string, []int) {
		if req.Text != "late" {
			return "", nil
		}
		close(asked)
		<-answer
		r, w, _ := os.Pipe()
		fds := []int{dupFDOr(t, r), dupFDOr(t, w)}
		r.Close()
		w.Close()
		return "too late", fds
	})
	c := caller(t, a, 0)
	before := testutil.OpenFDs(t)
	ctx, cancel := context.WithCancel(context.Background())
	go func() { <-asked; cancel() }()
	if _, err := c.Call(ctx, request("late"), nil); err != context.Canceled {
		t.Fatalf("call = %v, want context.Canceled itself", err)
	}
	close(answer)
	// The next call is answered after the late one, whose descriptors are closed by then.
	if _, err := c.Call(testCtx(t), request("next"), nil); err != nil {
		t.Fatal(err)
	}
	if after := testutil.OpenFDs(t); after != before {
		t.Fatalf("%d descriptors open before, %d after", before, after)
	}
}

func TestCallsInFlightAreBounded(t *testing.T) {
	a, b := pair(t)
	hold := make(chan struct{})
	respond(t, b, 4, func(req *msg) (string, []int) { <-hold; return "", nil })
	c := caller(t, a, 2)
	done := make(chan error, 2)
	for range 2 {
		go func() { _, err := c.Call(testCtx(t), request("held"), nil); done <- err }()
	}
	time.Sleep(50 * time.Millisecond) // let both take their slots
	ctx, cancel := context.WithTimeout(context.Background(), 100*time.Millisecond)
	defer cancel()
	if _, err := c.Call(ctx, request("third"), nil); err != context.DeadlineExceeded {
		t.Fatalf("third call = %v, want to wait for a slot until its deadline", err)
	}
	close(hold)
	for range 2 {
		if err := <-done; err != nil {
			t.Fatal(err)
		}
	}
}

func TestRefusedRequestLeavesTheConnectionUsable(t *testing.T) {
	a, b := pair(t)
	respond(t, b, 1, func(req *msg) (string, []int) { return "ok", nil })
	c := caller(t, a, 0)
	_, err := c.Call(testCtx(t), request(strings.Repeat("x", 2*testLimits.MaxMessageSize)), nil)
	if !NotSent(err) || !errors.Is(err, fdconn.ErrFrameTooLarge) {
		t.Fatalf("oversized call = %v, want NotSent and ErrFrameTooLarge", err)
	}
	_, err = c.Call(testCtx(t), func(uint64) *msg { return &msg{} }, nil)
	if !NotSent(err) || !errors.Is(err, errNoKind) {
		t.Fatalf("unencodable call = %v, want NotSent", err)
	}
	if r, err := c.Call(testCtx(t), request("small"), nil); err != nil || r.Msg.Text != "ok" {
		t.Fatalf("call after the refusals = %+v, %v", r.Msg, err)
	}
}

func TestRouteErrorEndsTheConnection(t *testing.T) {
	a, b := pair(t)
	c := caller(t, a, 0)
	b.Write(&msg{Kind: "note"}, nil)
	select {
	case <-c.Done():
	case <-time.After(patience):
		t.Fatal("the connection outlived a message Route refused")
	}
	if !errors.Is(c.Err(), hresult.HCS_E_PROTOCOL_ERROR) || !errors.Is(c.Err(), hresult.HCS_E_CONNECTION_CLOSED) {
		t.Fatalf("Err = %v, want Lost wrapping Route's error", c.Err())
	}
}
