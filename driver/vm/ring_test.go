package vm

import "testing"

func TestRing(t *testing.T) {
	r := newRing(8)
	r.Write([]byte("hello "))
	r.Write([]byte("world"))
	if got := r.String(); got != "lo world" {
		t.Errorf("ring = %q, want %q", got, "lo world")
	}
}
