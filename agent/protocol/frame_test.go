package protocol

import (
	"bytes"
	"encoding/binary"
	"encoding/json"
	"errors"
	"io"
	"net"
	"os"
	"testing"
	"time"

	"golang.org/x/sys/unix"

	"github.com/linuxhcs/hcs/internal/fdconn"
	"github.com/linuxhcs/hcs/internal/testutil"
)

// socketPair returns two connected unix stream transports, closed at the end of the test.
func socketPair(t *testing.T) (a, b *fdconn.Transport) {
	t.Helper()
	ua, ub := testutil.SocketPair(t)
	return transport(t, ua), transport(t, ub)
}

func transport(t *testing.T, c *net.UnixConn) *fdconn.Transport {
	t.Helper()
	tr, err := fdconn.NewTransport(c, MaxFDs)
	if err != nil {
		t.Fatal(err)
	}
	return tr
}

// openFDs counts the descriptors of this process.
func openFDs(t *testing.T) int { return testutil.OpenFDs(t) }

func TestFrameRoundTripWithFDs(t *testing.T) {
	a, b := socketPair(t)
	r, w, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	defer w.Close()
	if err := WriteFrame(a, []byte(`{"Type":"Ping","ID":1}`), nil); err != nil {
		t.Fatal(err)
	}
	if err := WriteFrame(a, []byte(`{"Type":"Spawn","ID":2}`), []int{int(w.Fd())}); err != nil {
		t.Fatal(err)
	}
	f1, err := ReadFrame(b)
	if err != nil || len(f1.FDs) != 0 || string(f1.Body) != `{"Type":"Ping","ID":1}` {
		t.Fatalf("first frame = %q, %v fds, %v", f1.Body, f1.FDs, err)
	}
	f2, err := ReadFrame(b)
	if err != nil || len(f2.FDs) != 1 {
		t.Fatalf("second frame = %q, %v fds, %v", f2.Body, f2.FDs, err)
	}
	got := os.NewFile(uintptr(f2.FDs[0]), "received")
	defer got.Close()
	if fl, _ := unix.FcntlInt(got.Fd(), unix.F_GETFD, 0); fl&unix.FD_CLOEXEC == 0 {
		t.Error("received descriptor is not close-on-exec")
	}
	if _, err := got.Write([]byte("hi")); err != nil {
		t.Fatal(err)
	}
	buf := make([]byte, 2)
	if _, err := io.ReadFull(r, buf); err != nil || string(buf) != "hi" {
		t.Fatalf("read through received pipe = %q, %v", buf, err)
	}
}

func TestFrameLargeBody(t *testing.T) {
	a, b := socketPair(t)
	body := bytes.Repeat([]byte("x"), MaxMessageSize)
	errc := make(chan error, 1)
	go func() { errc <- WriteFrame(a, body, nil) }()
	f, err := ReadFrame(b)
	if err != nil || !bytes.Equal(f.Body, body) {
		t.Fatalf("ReadFrame: %d bytes, %v", len(f.Body), err)
	}
	if err := <-errc; err != nil {
		t.Fatal(err)
	}
	if err := WriteFrame(a, append(body, 'x'), nil); !errors.Is(err, ErrFrameTooLarge) {
		t.Fatalf("WriteFrame of an oversize body: %v", err)
	}
}

func TestFrameOversizeHeader(t *testing.T) {
	for _, size := range []uint32{0, MaxMessageSize + 1, 0xFFFFFFFF} {
		var hdr [4]byte
		binary.BigEndian.PutUint32(hdr[:], size)
		_, err := ReadFrame(noFDReader{&chunkStream{data: hdr[:]}})
		if !errors.Is(err, ErrFrameTooLarge) || !IsProtocolError(err) {
			t.Errorf("size %d: err = %v, want a protocol error wrapping ErrFrameTooLarge", size, err)
		}
	}
}

func TestFrameTruncated(t *testing.T) {
	cases := map[string][]byte{
		"header": {0, 0},
		"body":   append([]byte{0, 0, 0, 10}, "abc"...),
	}
	for name, data := range cases {
		_, err := ReadFrame(noFDReader{&chunkStream{data: data}})
		if !errors.Is(err, io.ErrUnexpectedEOF) || !IsProtocolError(err) {
			t.Errorf("%s: err = %v, want a protocol error wrapping io.ErrUnexpectedEOF", name, err)
		}
	}
	if _, err := ReadFrame(noFDReader{&chunkStream{}}); err != io.EOF {
		t.Errorf("empty stream: err = %v, want io.EOF", err)
	}
}

func TestFrameTruncatedSocketClosesFDs(t *testing.T) {
	a, b := socketPair(t)
	r, w, _ := os.Pipe()
	defer r.Close()
	defer w.Close()
	before := openFDs(t)
	hdr := []byte{0, 0, 0, 100, 'x'}
	if err := a.WriteFDs(hdr, []int{int(r.Fd()), int(w.Fd())}); err != nil {
		t.Fatal(err)
	}
	a.UnixConn().CloseWrite()
	if _, err := ReadFrame(b); !errors.Is(err, io.ErrUnexpectedEOF) {
		t.Fatalf("err = %v, want io.ErrUnexpectedEOF", err)
	}
	if after := openFDs(t); after != before {
		t.Fatalf("%d descriptors open after a truncated frame, %d before", after, before)
	}
}

func TestFrameTooManyFDs(t *testing.T) {
	a, b := socketPair(t)
	r, w, _ := os.Pipe()
	defer r.Close()
	defer w.Close()
	before := openFDs(t)
	fds := make([]int, MaxFDs+1)
	for i := range fds {
		fds[i] = int(r.Fd())
	}
	if err := WriteFrame(a, []byte("{}"), fds); !errors.Is(err, ErrTooManyFDs) {
		t.Fatalf("WriteFrame with %d fds: %v", len(fds), err)
	}
	if err := a.WriteFDs([]byte{0, 0, 0, 2, '{', '}'}, fds); err != nil {
		t.Fatal(err)
	}
	if _, err := ReadFrame(b); !errors.Is(err, ErrTooManyFDs) {
		t.Fatalf("err = %v, want ErrTooManyFDs", err)
	}
	if after := openFDs(t); after != before {
		t.Fatalf("%d descriptors open after refusing fds, %d before", after, before)
	}
}

func TestDecodeMessage(t *testing.T) {
	for _, bad := range []string{`nope`, `{}`, `[1]`, `{"Type":5}`} {
		if _, err := DecodeMessage([]byte(bad)); !IsProtocolError(err) {
			t.Errorf("DecodeMessage(%s) = %v, want HCS_E_INVALID_JSON", bad, err)
		}
	}
	m, err := DecodeMessage([]byte(`{"Type":"Ping","ID":7,"Unknown":true}`))
	if err != nil || m.Type != TypePing || m.ID != 7 {
		t.Fatalf("DecodeMessage = %+v, %v", m, err)
	}
}

// chunkStream is a Stream that reads data in pieces: the next size of chunks (plus one)
// per Read, cycling, or everything at once without chunks. Writes are discarded.
type chunkStream struct {
	data, chunks []byte
	i            int
}

func (c *chunkStream) Read(p []byte) (int, error) {
	if len(c.data) == 0 {
		return 0, io.EOF
	}
	if len(c.chunks) > 0 {
		p = p[:min(len(p), int(c.chunks[c.i%len(c.chunks)])+1)]
		c.i++
	}
	n := copy(p, c.data)
	c.data = c.data[n:]
	return n, nil
}

func (c *chunkStream) Write(p []byte) (int, error)      { return len(p), nil }
func (c *chunkStream) SetReadDeadline(time.Time) error  { return nil }
func (c *chunkStream) SetWriteDeadline(time.Time) error { return nil }

// FuzzReadFrame feeds arbitrary bytes to the agent protocol's reader, as a guest's stream
// transport delivers them: frames with the protocol's limits, then envelopes.
func FuzzReadFrame(f *testing.F) {
	f.Add([]byte{0, 0, 0, 2, '{', '}'}, []byte{0})
	f.Add([]byte{0, 0, 0, 22, '{', '"', 'T', 'y', 'p', 'e', '"', ':', '"', 'P', 'i', 'n', 'g', '"', ',', '"', 'I', 'D', '"', ':', '1', '}'}, []byte{3, 1})
	f.Add([]byte{0xff, 0xff, 0xff, 0xff}, []byte{})
	f.Add([]byte{0, 0, 0, 9, 'x'}, []byte{2})
	f.Fuzz(func(t *testing.T, data, chunks []byte) {
		conn := NewStreamConn(&chunkStream{data: data, chunks: chunks}, func() error { return nil })
		for {
			m, fds, err := conn.ReadMessage()
			if err != nil {
				if err != io.EOF && !IsProtocolError(err) {
					t.Fatalf("unexpected error class: %v", err)
				}
				return
			}
			if m.Type == "" || len(fds) != 0 {
				t.Fatalf("read %+v with %d descriptors", m, len(fds))
			}
			if body, err := json.Marshal(m); err != nil || len(body) > MaxMessageSize+64 {
				t.Fatalf("message does not encode back within the limit: %v", err)
			}
		}
	})
}
