package mux

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/linuxhcs/hcs/hresult"
)

// side is one end of the test protocol's handshake at version v.
func side(name string, v int) Hello[*msg] {
	return Hello[*msg]{Mine: &msg{Kind: "hello", V: v, Text: name}, Peer: "the peer",
		Check: func(m *msg) error {
			switch {
			case m.Kind == "resp" && m.ID == 0:
				return hresult.New(hresult.E_ACCESSDENIED, m.Text) // a refusal
			case m.Kind != "hello":
				return hresult.Errorf(hresult.HCS_E_PROTOCOL_ERROR, "%s before hello", m.Kind)
			case m.V != 2:
				return VersionMismatch(m.Text, m.V, name, 2)
			}
			return nil
		}}
}

// handshake runs Greet on one end and Answer on the other.
func handshake(t *testing.T, greeter, answerer Hello[*msg]) (greetErr, answerErr error) {
	a, b := pair(t)
	answered := make(chan error, 1)
	go func() {
		_, err := Answer(b, answerer, patience)
		if err != nil {
			b.Close()
		}
		answered <- err
	}()
	theirs, err := Greet(testCtx(t), a, greeter)
	if err == nil && theirs.Text != "answerer" {
		err = fmt.Errorf("greeted by %q", theirs.Text)
	}
	return err, <-answered
}

func TestHandshakeAgrees(t *testing.T) {
	if g, a := handshake(t, side("greeter", 2), side("answerer", 2)); g != nil || a != nil {
		t.Fatalf("Greet = %v, Answer = %v", g, a)
	}
}

func TestHandshakeNamesBothVersions(t *testing.T) {
	old := side("greeter", 1)
	old.Check = func(*msg) error { return nil } // an old greeter accepts anything
	_, a := handshake(t, old, side("answerer", 2))
	want := "greeter speaks protocol version 1, answerer speaks protocol version 2"
	if !errors.Is(a, hresult.HCS_E_UNSUPPORTED_PROTOCOL_VERSION) || !contains(a, want) {
		t.Fatalf("Answer = %v, want HCS_E_UNSUPPORTED_PROTOCOL_VERSION saying %q", a, want)
	}
	g, _ := handshake(t, side("greeter", 2), side("answerer", 3))
	if !errors.Is(g, hresult.HCS_E_UNSUPPORTED_PROTOCOL_VERSION) || !contains(g, "answerer speaks protocol version 3") {
		t.Fatalf("Greet = %v", g)
	}
}

func contains(err error, s string) bool { return err != nil && strings.Contains(err.Error(), s) }

func TestGreetReadsARefusal(t *testing.T) {
	a, b := pair(t)
	b.Write(&msg{Kind: "resp", Text: "go away"}, nil)
	b.Close()
	_, err := Greet(testCtx(t), a, side("greeter", 2))
	if !errors.Is(err, hresult.E_ACCESSDENIED) {
		t.Fatalf("Greet = %v, want the refusal", err)
	}
}

func TestGreetHonoursItsContext(t *testing.T) {
	a, _ := pair(t) // the peer never answers
	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	_, err := Greet(ctx, a, side("greeter", 2))
	if !errors.Is(err, hresult.HCS_E_CONNECTION_TIMEOUT) || !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("Greet = %v, want HCS_E_CONNECTION_TIMEOUT", err)
	}
}

func TestAnswerTimesOut(t *testing.T) {
	_, b := pair(t)
	start := time.Now()
	if _, err := Answer(b, side("answerer", 2), 50*time.Millisecond); err == nil {
		t.Fatal("Answer succeeded without a peer")
	}
	if d := time.Since(start); d > patience/2 {
		t.Fatalf("Answer took %v", d)
	}
}
