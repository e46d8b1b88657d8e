package agent

import "testing"

func TestExitLogAckAndResend(t *testing.T) {
	l := newExitLog(10)
	a := l.add(100, 0, 0)
	b := l.add(101, 137, 9)
	c := l.add(100, 3, 0) // pid 100 reused
	if got := l.pending(0); len(got) != 3 || got[0] != a || got[2] != c {
		t.Fatalf("pending = %+v", got)
	}
	if !l.ack(100, 0) { // oldest of pid 100
		t.Fatal("ack(100) found nothing")
	}
	if got := l.pending(0); len(got) != 2 || got[0] != b || got[1] != c {
		t.Fatalf("pending after ack = %+v", got)
	}
	if !l.ack(100, a.Seq) {
		t.Error("acknowledging twice must succeed")
	}
	if l.ack(555, 0) {
		t.Error("ack of an unknown pid succeeded")
	}
	if got := l.pending(1); len(got) != 1 || got[0] != b {
		t.Fatalf("pending(1) = %+v", got)
	}
}

func TestExitLogBound(t *testing.T) {
	l := newExitLog(32)
	for i := range 20 {
		l.add(i, 0, 0)
		l.ack(i, 0)
	}
	for i := 20; i < 52; i++ {
		l.add(i, 0, 0)
	}
	if len(l.entries) > 32 {
		t.Fatalf("%d entries, bound 32", len(l.entries))
	}
	// All 32 unacknowledged exits survive; the acknowledged ones went first.
	got := l.pending(0)
	if len(got) != 32 || got[0].Pid != 20 || l.unacked != 32 {
		t.Fatalf("pending: %d, first %+v, unacked %d", len(got), got[0], l.unacked)
	}
	l.add(99, 0, 0) // only unacknowledged left: the oldest goes
	got = l.pending(0)
	if len(got) != 32 || got[0].Pid != 21 || got[31].Pid != 99 || l.unacked != 32 {
		t.Fatalf("after overflow: %d, first %+v, last %+v, unacked %d", len(got), got[0], got[31], l.unacked)
	}
}
