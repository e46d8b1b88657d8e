package tail

import "testing"

func TestBufferKeepsTheLastBytes(t *testing.T) {
	b := New(8)
	b.Write([]byte("hello "))
	b.Write([]byte("world"))
	if got := b.String(); got != "lo world" {
		t.Errorf("kept %q, want %q", got, "lo world")
	}
	got := b.Bytes()
	got[0] = 'X'
	if b.String() != "lo world" {
		t.Error("Bytes shares the buffer's memory")
	}
}
