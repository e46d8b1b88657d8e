package agent

import (
	"time"

	"github.com/linuxhcs/hcs/agent/protocol"
)

// DefaultMaxExits bounds the exits the agent remembers.
const DefaultMaxExits = 64 << 10

// exitLog remembers process exits until the host acknowledges them. It is bounded: past
// max entries the oldest acknowledged exit is forgotten first, and only when every entry is
// unacknowledged the oldest of those. It is not safe for concurrent use (Agent.mu guards it).
type exitLog struct {
	max     int
	seq     uint64
	entries []exitEntry // oldest first
	unacked int
	// changed is closed and replaced whenever an exit is added.
	changed chan struct{}
}

type exitEntry struct {
	ev    protocol.ProcessExited
	acked bool
}

func newExitLog(max int) *exitLog {
	if max <= 0 {
		max = DefaultMaxExits
	}
	return &exitLog{max: max, changed: make(chan struct{})}
}

// add records an exit and returns it.
func (l *exitLog) add(pid, code, sig int) protocol.ProcessExited {
	l.seq++
	ev := protocol.ProcessExited{Pid: pid, ExitCode: code, Signal: sig, Seq: l.seq, ExitTime: time.Now().UTC()}
	l.entries = append(l.entries, exitEntry{ev: ev})
	l.unacked++
	if len(l.entries) > l.max {
		l.trim()
	}
	close(l.changed)
	l.changed = make(chan struct{})
	return ev
}

// trim makes room once the log is over its bound: it forgets the oldest acknowledged
// entries (a sixteenth of the bound at a time, so trimming is rare), and only when no
// acknowledged entry is left the oldest unacknowledged ones.
func (l *exitLog) trim() {
	excess := len(l.entries) - l.max + l.max/16
	keep := l.entries[:0]
	for _, e := range l.entries {
		if excess > 0 && e.acked {
			excess--
			continue
		}
		keep = append(keep, e)
	}
	clear(l.entries[len(keep):])
	l.entries = keep
	if n := len(l.entries) - l.max; n > 0 {
		l.unacked -= n
		l.entries = l.entries[n:]
	}
}

// pending returns up to limit unacknowledged exits, oldest first (all when limit <= 0).
func (l *exitLog) pending(limit int) []protocol.ProcessExited {
	out := make([]protocol.ProcessExited, 0, min(l.unacked, max(limit, 0)))
	for _, e := range l.entries {
		if limit > 0 && len(out) == limit {
			break
		}
		if !e.acked {
			out = append(out, e.ev)
		}
	}
	return out
}

// ack marks the exit of pid with sequence number seq (0: its oldest unacknowledged exit)
// as acknowledged. It reports whether the log knows such an exit; acknowledging twice is
// not an error.
func (l *exitLog) ack(pid int, seq uint64) bool {
	found := -1
	for i := range l.entries {
		e := &l.entries[i]
		if e.ev.Pid != pid || (seq != 0 && e.ev.Seq != seq) {
			continue
		}
		if !e.acked {
			e.acked = true
			l.unacked--
			return true
		}
		found = i
	}
	return found >= 0
}
