package fdconn

import (
	"bytes"
	"encoding/binary"
	"errors"
	"io"
	"net"
	"os"
	"sync"
	"testing"
	"time"

	"golang.org/x/sys/unix"

	"github.com/linuxhcs/hcs/internal/testutil"
)

// small are limits tight enough to reach in a test.
var small = Limits{MaxMessageSize: 64, MaxFDs: 2}

// pair returns two connected Conns with the given limits, closed at the end of the test.
func pair(t *testing.T, lim Limits) (a, b *Conn) {
	t.Helper()
	ua, ub := testutil.SocketPair(t)
	return newConn(t, ua, lim), newConn(t, ub, lim)
}

func newConn(t *testing.T, uc *net.UnixConn, lim Limits) *Conn {
	t.Helper()
	c, err := New(uc, lim)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func openFDs(t *testing.T) int { return testutil.OpenFDs(t) }

func TestRoundTripWithFDs(t *testing.T) {
	a, b := pair(t, small)
	r, w, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	defer w.Close()
	if err := a.WriteFrame([]byte("one"), nil); err != nil {
		t.Fatal(err)
	}
	if err := a.WriteFrame([]byte("two"), []int{int(w.Fd()), int(r.Fd())}); err != nil {
		t.Fatal(err)
	}
	f1, err := b.ReadFrame()
	if err != nil || string(f1.Body) != "one" || len(f1.FDs) != 0 {
		t.Fatalf("first frame = %q with %d fds, %v", f1.Body, len(f1.FDs), err)
	}
	f2, err := b.ReadFrame()
	if err != nil || string(f2.Body) != "two" || len(f2.FDs) != 2 {
		t.Fatalf("second frame = %q with %d fds, %v", f2.Body, len(f2.FDs), err)
	}
	defer CloseFDs(f2.FDs)
	for _, fd := range f2.FDs {
		if fl, _ := unix.FcntlInt(uintptr(fd), unix.F_GETFD, 0); fl&unix.FD_CLOEXEC == 0 {
			t.Error("received descriptor is not close-on-exec")
		}
	}
	if _, err := unix.Write(f2.FDs[0], []byte("hi")); err != nil {
		t.Fatal(err)
	}
	buf := make([]byte, 2)
	if _, err := io.ReadFull(r, buf); err != nil || string(buf) != "hi" {
		t.Fatalf("read through the received pipe = %q, %v", buf, err)
	}
}

func TestLimitsOnSend(t *testing.T) {
	a, _ := pair(t, small)
	if err := a.WriteFrame(bytes.Repeat([]byte("x"), small.MaxMessageSize+1), nil); !errors.Is(err, ErrFrameTooLarge) {
		t.Errorf("oversize body: %v", err)
	}
	if err := a.WriteFrame(nil, nil); !errors.Is(err, ErrFrameTooLarge) {
		t.Errorf("empty body: %v", err)
	}
	if err := a.WriteFrame([]byte("x"), []int{0, 1, 2}); !errors.Is(err, ErrTooManyFDs) || !IsProtocolError(err) {
		t.Errorf("three fds: %v", err)
	}
}

func TestOversizeHeaderOnReceive(t *testing.T) {
	for _, size := range []uint32{0, uint32(small.MaxMessageSize) + 1, 0xFFFFFFFF} {
		var hdr [HeaderSize]byte
		binary.BigEndian.PutUint32(hdr[:], size)
		_, err := ReadFrame(&bytesReader{data: hdr[:]}, small)
		if !errors.Is(err, ErrFrameTooLarge) || !IsProtocolError(err) {
			t.Errorf("size %d: %v, want a protocol error wrapping ErrFrameTooLarge", size, err)
		}
	}
}

func TestTruncatedFrame(t *testing.T) {
	for name, data := range map[string][]byte{"header": {0, 0}, "body": {0, 0, 0, 9, 'a'}} {
		if _, err := ReadFrame(&bytesReader{data: data}, small); !errors.Is(err, io.ErrUnexpectedEOF) || !IsProtocolError(err) {
			t.Errorf("%s: %v, want a protocol error wrapping io.ErrUnexpectedEOF", name, err)
		}
	}
	if _, err := ReadFrame(&bytesReader{}, small); err != io.EOF {
		t.Errorf("empty stream: %v, want io.EOF", err)
	}
}

func TestTooManyFDsOnReceiveClosesThem(t *testing.T) {
	a, b := pair(t, small)
	r, w, _ := os.Pipe()
	defer r.Close()
	defer w.Close()
	before := openFDs(t)
	fds := []int{int(r.Fd()), int(w.Fd()), int(r.Fd())}
	if err := a.t.WriteFDs([]byte{0, 0, 0, 1, 'x'}, fds); err != nil {
		t.Fatal(err)
	}
	if _, err := b.ReadFrame(); !errors.Is(err, ErrTooManyFDs) {
		t.Fatalf("err = %v, want ErrTooManyFDs", err)
	}
	if after := openFDs(t); after != before {
		t.Fatalf("%d descriptors open after refusing a frame, %d before", after, before)
	}
}

func TestConcurrentWritersDoNotInterleave(t *testing.T) {
	lim := Limits{MaxMessageSize: 1 << 20, MaxFDs: 1}
	a, b := pair(t, lim)
	const writers, frames = 8, 20
	var wg sync.WaitGroup
	for i := range writers {
		wg.Go(func() {
			body := bytes.Repeat([]byte{byte('a' + i)}, 200<<10)
			for range frames {
				if err := a.WriteFrame(body, nil); err != nil {
					t.Error(err)
					return
				}
			}
		})
	}
	for range writers * frames {
		f, err := b.ReadFrame()
		if err != nil {
			t.Fatal(err)
		}
		if bytes.Count(f.Body, f.Body[:1]) != len(f.Body) {
			t.Fatal("a frame holds bytes of two writers")
		}
	}
	wg.Wait()
}

func TestWriteTimeout(t *testing.T) {
	lim := Limits{MaxMessageSize: 8 << 20, MaxFDs: 1}
	a, _ := pair(t, lim)
	a.SetWriteTimeout(50 * time.Millisecond)
	body := bytes.Repeat([]byte("x"), lim.MaxMessageSize)
	var err error
	for i := 0; i < 10 && err == nil; i++ { // the peer never reads: the buffer fills
		err = a.WriteFrame(body, nil)
	}
	if !errors.Is(err, os.ErrDeadlineExceeded) {
		t.Fatalf("err = %v, want a deadline error", err)
	}
}

func TestIsClosed(t *testing.T) {
	a, b := pair(t, small)
	a.Close()
	_, err := b.ReadFrame()
	if !IsClosed(err) || IsProtocolError(err) {
		t.Fatalf("read after the peer closed: %v", err)
	}
}

// bytesReader is an FDReader over bytes that returns at most the next chunk size per call;
// sizes cycle through chunks (plus one), or everything fits in one call without chunks.
type bytesReader struct {
	data   []byte
	chunks []byte
	i      int
}

func (c *bytesReader) ReadFDs(p []byte) (int, []int, error) {
	if len(c.data) == 0 {
		return 0, nil, io.EOF
	}
	n := len(p)
	if len(c.chunks) > 0 {
		n = min(n, int(c.chunks[c.i%len(c.chunks)])+1)
		c.i++
	}
	n = copy(p[:n], c.data)
	c.data = c.data[n:]
	return n, nil, nil
}

func FuzzReadFrame(f *testing.F) {
	f.Add([]byte{0, 0, 0, 2, '{', '}'}, []byte{0})
	f.Add([]byte{0xff, 0xff, 0xff, 0xff}, []byte{})
	f.Add([]byte{0, 0, 0, 9, 'x'}, []byte{2})
	f.Add([]byte{0, 0, 0, 1, 'a', 0, 0, 0, 2, 'b', 'c'}, []byte{1, 3})
	f.Fuzz(func(t *testing.T, data, chunks []byte) {
		r := &bytesReader{data: data, chunks: chunks}
		consumed := 0
		for {
			fr, err := ReadFrame(r, small)
			if err != nil {
				if err != io.EOF && !IsProtocolError(err) {
					t.Fatalf("unexpected error class: %v", err)
				}
				return
			}
			if len(fr.Body) == 0 || len(fr.Body) > small.MaxMessageSize || len(fr.FDs) != 0 {
				t.Fatalf("frame of %d bytes with %d fds", len(fr.Body), len(fr.FDs))
			}
			if !bytes.Equal(data[consumed+HeaderSize:consumed+HeaderSize+len(fr.Body)], fr.Body) {
				t.Fatal("frame body differs from the input")
			}
			consumed += HeaderSize + len(fr.Body)
		}
	})
}

func TestDupGivesAnIndependentCloseOnExecDescriptor(t *testing.T) {
	r, w, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	d, err := Dup(w)
	if err != nil {
		t.Fatal(err)
	}
	w.Close() // the duplicate keeps the pipe open
	if flags, err := unix.FcntlInt(d.Fd(), unix.F_GETFD, 0); err != nil || flags&unix.FD_CLOEXEC == 0 {
		t.Errorf("duplicate flags %#x, %v: want close-on-exec", flags, err)
	}
	if _, err := d.Write([]byte("x")); err != nil {
		t.Fatal(err)
	}
	d.Close()
	b, _ := io.ReadAll(r)
	if string(b) != "x" {
		t.Fatalf("read %q through the duplicate", b)
	}
	if f, err := Dup(nil); f != nil || err != nil {
		t.Fatalf("Dup(nil) = %v, %v", f, err)
	}
}
