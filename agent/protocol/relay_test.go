package protocol

import (
	"bytes"
	"crypto/rand"
	"io"
	"os"
	"testing"
	"time"
)

// linkedRelays returns two relays whose messages reach each other in order.
func linkedRelays(t *testing.T) (a, b *Relay) {
	t.Helper()
	ab, ba := make(chan *Message, 1024), make(chan *Message, 1024)
	a = NewRelay(func(m *Message) error { ab <- m; return nil })
	b = NewRelay(func(m *Message) error { ba <- m; return nil })
	done := make(chan struct{})
	t.Cleanup(func() { close(done); a.Close(); b.Close() })
	pump := func(in chan *Message, to *Relay) {
		for {
			select {
			case m := <-in:
				if err := to.Handle(m); err != nil {
					t.Errorf("Handle(%s): %v", m.Type, err)
				}
			case <-done:
				return
			}
		}
	}
	go pump(ab, b)
	go pump(ba, a)
	return a, b
}

// TestRelayCopiesAStream relays 3 MiB (twelve windows) from a pipe read on one side to a
// pipe written on the other, and the end of the stream with it.
func TestRelayCopiesAStream(t *testing.T) {
	a, b := linkedRelays(t)
	srcR, srcW, _ := os.Pipe()
	dstR, dstW, _ := os.Pipe()
	defer dstR.Close()
	a.AddSource(7, srcR)
	b.AddSink(7, dstW, nil)
	want := make([]byte, 3<<20)
	rand.Read(want)
	go func() {
		srcW.Write(want)
		srcW.Close()
	}()
	dstR.SetReadDeadline(time.Now().Add(20 * time.Second))
	got, err := io.ReadAll(dstR)
	if err != nil || !bytes.Equal(got, want) {
		t.Fatalf("relayed %d bytes (%v), want %d equal bytes", len(got), err, len(want))
	}
}

// TestRelaySinkGoneStopsSource: when the sink's reader goes away, the source stops and
// closes its file.
func TestRelaySinkGoneStopsSource(t *testing.T) {
	a, b := linkedRelays(t)
	srcR, srcW, _ := os.Pipe()
	dstR, dstW, _ := os.Pipe()
	a.AddSource(1, srcR)
	b.AddSink(1, dstW, nil)
	dstR.Close()
	srcW.SetWriteDeadline(time.Now().Add(20 * time.Second))
	var err error
	for err == nil {
		_, err = srcW.Write(make([]byte, 4096))
	}
	if os.IsTimeout(err) {
		t.Fatal("the source kept reading after its sink's reader was gone")
	}
}

// TestSkipToSync discards the tail of an earlier session, and nothing after the preamble.
func TestSkipToSync(t *testing.T) {
	stream := append([]byte("{\"Type\":\"Resp\x00\x00\x00"), SyncPreamble...)
	stream = append(stream, "next"...)
	r := bytes.NewReader(stream)
	if err := skipToSync(r); err != nil {
		t.Fatal(err)
	}
	if rest, _ := io.ReadAll(r); string(rest) != "next" {
		t.Errorf("after the preamble: %q", rest)
	}
	if err := skipToSync(bytes.NewReader([]byte("no preamble"))); err == nil {
		t.Error("a stream without a preamble was accepted")
	}
}

// TestStreamConnRefusesFDs: a stream carries no descriptors.
func TestStreamConnRefusesFDs(t *testing.T) {
	r, w, _ := os.Pipe()
	defer r.Close()
	defer w.Close()
	c := NewStreamConn(w, w.Close)
	m, _ := NewMessage(TypePing, 1, nil)
	if err := c.WriteMessage(m, []int{0}); !IsProtocolError(err) {
		t.Errorf("WriteMessage with a descriptor: %v", err)
	}
}
