package agentsession

import (
	"context"
	"time"

	"github.com/linuxhcs/hcs/agent/protocol"
)

// delivery is one exit on its way to a sink; ack says whether the agent reported it (and
// so expects an acknowledgement).
type delivery struct {
	sink ExitSink
	exit protocol.ProcessExited
	ack  bool
}

// onExit handles an exit the agent reported. It runs on the client's notification
// goroutine, one exit at a time in the agent's order.
func (s *Session) onExit(e protocol.ProcessExited) {
	s.mu.Lock()
	sink, known := s.procs[e.Pid]
	delete(s.procs, e.Pid)
	hold := !known && s.inFlight > 0
	if hold {
		s.held = append(s.held, e)
	}
	s.mu.Unlock()
	switch {
	case known:
		s.deliver(delivery{sink: sink, exit: e, ack: true})
	case !hold:
		s.deliver(s.unclaimed(e))
	}
}

// unclaimed is the delivery of an exit no process of this session claimed.
func (s *Session) unclaimed(e protocol.ProcessExited) delivery {
	return delivery{sink: s.opts.Unclaimed, exit: e, ack: true}
}

// deliver hands an exit to its sink (if any), then acknowledges it so the agent stops
// reporting it.
func (s *Session) deliver(d delivery) {
	if d.sink != nil {
		d.sink(d.exit.Pid, uint32(d.exit.ExitCode))
	}
	<-s.ready
	if !d.ack || s.client == nil {
		return
	}
	ctx, cancel := context.WithTimeout(context.Background(), ackTimeout)
	defer cancel()
	_ = s.client.AckExit(ctx, d.exit.Pid, d.exit.Seq) // unacknowledged: reported again next time
}

// Finish ends the session once the agent's side is gone (the container's init or the VM
// exited). It waits up to grace for the exits the agent sent before it went, then reports
// every process it never reported as killed (KilledExitCode). Later spawns fail. Finish on
// a nil Session does nothing, for a system whose agent never connected.
func (s *Session) Finish(grace time.Duration) {
	if s == nil {
		return
	}
	t := time.NewTimer(grace)
	defer t.Stop()
	select {
	case <-s.client.Drained():
	case <-t.C:
		s.client.Close() // no exit handled after this point can race the reports below
		<-s.client.Drained()
	}
	s.mu.Lock()
	s.finished = true
	left := s.procs
	s.procs = map[int]ExitSink{}
	s.mu.Unlock()
	for pid, sink := range left {
		sink(pid, KilledExitCode)
	}
}
