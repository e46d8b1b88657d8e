package agentsession

import (
	"context"
	"errors"
	"sync"
	"testing"
	"time"

	"github.com/linuxhcs/hcs/agent/protocol"
	"github.com/linuxhcs/hcs/hresult"
)

func timeout() <-chan time.Time { return time.After(10 * time.Second) }

// exitLog is a sink that records every exit it receives.
type exitLog struct {
	mu    sync.Mutex
	codes map[int][]uint32
	got   chan int
}

func newExitLog() *exitLog { return &exitLog{codes: map[int][]uint32{}, got: make(chan int, 64)} }

func (l *exitLog) sink(pid int, code uint32) {
	l.mu.Lock()
	l.codes[pid] = append(l.codes[pid], code)
	l.mu.Unlock()
	l.got <- pid
}

// wait waits for the next exit and returns its pid.
func (l *exitLog) wait(t *testing.T) int {
	t.Helper()
	return receive(t, l.got, "no exit was delivered")
}

// next waits for the next exit and checks that it is pid's, delivered exactly once with
// code.
func (l *exitLog) next(t *testing.T, pid int, code uint32) {
	t.Helper()
	if got := l.wait(t); got != pid {
		t.Fatalf("exit delivered for pid %d, want %d", got, pid)
	}
	l.only(t, pid, code)
}

// only checks that pid's exit was delivered exactly once, with code, and that nothing else
// arrives.
func (l *exitLog) only(t *testing.T, pid int, code uint32) {
	t.Helper()
	select {
	case extra := <-l.got:
		if extra != pid {
			t.Errorf("an exit was delivered for pid %d too", extra)
		}
	case <-time.After(100 * time.Millisecond):
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	if got := l.codes[pid]; len(got) != 1 || got[0] != code {
		t.Errorf("pid %d: exits delivered %v, want exactly [%d]", pid, got, code)
	}
}

// spawn starts a spawn in the background and returns its result channel.
func spawn(s *Session, sink ExitSink) <-chan spawnResult {
	done := make(chan spawnResult, 1)
	go func() {
		pid, err := s.Spawn(context.Background(), protocol.SpawnRequest{CommandArgs: []string{"/bin/true"}}, sink)
		done <- spawnResult{pid, err}
	}()
	return done
}

// spawnAs spawns a process that the fake agent gives pid.
func spawnAs(t *testing.T, s *Session, a *fakeAgent, sink ExitSink, pid int) {
	t.Helper()
	res := spawn(s, sink)
	a.spawned(a.nextSpawn(), pid)
	(<-res).check(t, pid)
}

type spawnResult struct {
	pid int
	err error
}

func (r spawnResult) check(t *testing.T, want int) {
	t.Helper()
	if r.err != nil || r.pid != want {
		t.Fatalf("Spawn = %d, %v; want %d", r.pid, r.err, want)
	}
}

func held(s *Session) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.held)
}

// TestExitBeforeSpawnReply has the agent report the exit before the spawn's reply, and the
// session record the pid only once the exit has arrived: the exit still reaches the
// spawn's sink, once, with its code, and is acknowledged.
func TestExitBeforeSpawnReply(t *testing.T) {
	overtaken := make(chan bool, 1)
	var s *Session
	s, a := newFakeAgent(t, Options{SpawnReturned: func(int) {
		deadline := time.Now().Add(5 * time.Second)
		for held(s) == 0 && time.Now().Before(deadline) {
			time.Sleep(time.Millisecond)
		}
		overtaken <- held(s) == 1
	}})
	log := newExitLog()
	res := spawn(s, log.sink)
	id := a.nextSpawn()
	a.exit(41, 3, 7)
	a.spawned(id, 41)
	(<-res).check(t, 41)
	if !<-overtaken {
		t.Fatal("the exit did not arrive before the pid was recorded")
	}
	if pid := log.wait(t); pid != 41 {
		t.Fatalf("exit delivered for pid %d, want 41", pid)
	}
	log.only(t, 41, 3)
	if ack := a.nextAck(); ack.Pid != 41 || ack.Seq != 7 {
		t.Errorf("ack %+v, want pid 41 seq 7", ack)
	}
}

// TestExitAfterSpawn is the ordinary order: the exit goes to the spawn's sink and is
// acknowledged.
func TestExitAfterSpawn(t *testing.T) {
	s, a := newFakeAgent(t, Options{})
	log := newExitLog()
	spawnAs(t, s, a, log.sink, 12)
	a.exit(12, 143, 1)
	log.next(t, 12, 143)
	if ack := a.nextAck(); ack.Pid != 12 || ack.Seq != 1 {
		t.Errorf("ack %+v, want pid 12 seq 1", ack)
	}
}

// TestHeldExitOfAnotherPid: an exit held during a spawn that returns another pid is not
// that spawn's; it is settled as unclaimed once no spawn is in flight.
func TestHeldExitOfAnotherPid(t *testing.T) {
	unclaimed := newExitLog()
	s, a := newFakeAgent(t, Options{Unclaimed: unclaimed.sink})
	log := newExitLog()
	res := spawn(s, log.sink)
	id := a.nextSpawn()
	a.exit(99, 1, 4)
	waitHeld(t, s, 1)
	a.spawned(id, 50)
	(<-res).check(t, 50)
	if pid := unclaimed.wait(t); pid != 99 {
		t.Fatalf("unclaimed exit of pid %d, want 99", pid)
	}
	unclaimed.only(t, 99, 1)
	a.exit(50, 0, 5)
	log.next(t, 50, 0)
}

// TestUnknownExitWithoutSpawn: an exit of a pid nobody spawned, with no spawn in flight, is
// dropped (acknowledged, delivered nowhere) without Unclaimed, and passed on with it.
func TestUnknownExitWithoutSpawn(t *testing.T) {
	s, a := newFakeAgent(t, Options{})
	a.exit(7, 1, 1)
	if ack := a.nextAck(); ack.Pid != 7 {
		t.Errorf("ack %+v, want pid 7", ack)
	}
	if held(s) != 0 {
		t.Error("an exit was held with no spawn in flight")
	}

	unclaimed := newExitLog()
	_, a2 := newFakeAgent(t, Options{Unclaimed: unclaimed.sink})
	a2.exit(8, 2, 1)
	unclaimed.next(t, 8, 2)
}

// TestAdopt: an adopted process's exit reaches its sink.
func TestAdopt(t *testing.T) {
	s, a := newFakeAgent(t, Options{})
	log := newExitLog()
	s.Adopt(30, log.sink)
	a.exit(30, 5, 2)
	log.next(t, 30, 5)
}

// TestFinish: the agent's last exits are drained, the processes it never reported get
// 137, each once, and later spawns fail.
func TestFinish(t *testing.T) {
	s, a := newFakeAgent(t, Options{})
	log := newExitLog()
	spawnAs(t, s, a, log.sink, 21)
	spawnAs(t, s, a, log.sink, 22)
	a.exit(21, 4, 1)
	a.conn.Close() // the agent dies right after its last report
	s.Finish(5 * time.Second)
	log.only(t, 21, 4)
	log.only(t, 22, KilledExitCode)
	if _, err := s.Spawn(context.Background(), protocol.SpawnRequest{}, log.sink); !errors.Is(err, hresult.HCS_E_CONNECTION_CLOSED) {
		t.Errorf("Spawn after Finish: %v, want HCS_E_CONNECTION_CLOSED", err)
	}
}

// TestFinishGrace: an agent that neither reports nor hangs up is given up after the grace.
func TestFinishGrace(t *testing.T) {
	s, a := newFakeAgent(t, Options{})
	log := newExitLog()
	spawnAs(t, s, a, log.sink, 60)
	start := time.Now()
	s.Finish(200 * time.Millisecond)
	if d := time.Since(start); d > 5*time.Second {
		t.Errorf("Finish took %v with a 200ms grace", d)
	}
	log.only(t, 60, KilledExitCode)
}

// TestConcurrentSpawns: many spawns in flight, each exit overtaking some replies, each
// delivered exactly once to its own sink.
func TestConcurrentSpawns(t *testing.T) {
	s, a := newFakeAgent(t, Options{})
	const n = 10
	logs := make([]*exitLog, n)
	results := make([]<-chan spawnResult, n)
	ids := make([]uint64, n)
	for i := range n {
		logs[i] = newExitLog()
		results[i] = spawn(s, logs[i].sink)
		ids[i] = a.nextSpawn()
	}
	// Replies go out in reverse, each preceded by its process's exit.
	for i := n - 1; i >= 0; i-- {
		a.exit(100+i, i, uint64(i+1))
		a.spawned(ids[i], 100+i)
	}
	for i := range n {
		r := <-results[i]
		if r.err != nil {
			t.Fatalf("spawn %d: %v", i, r.err)
		}
		logs[i].wait(t)
		logs[i].only(t, r.pid, uint32(r.pid-100))
	}
}

func waitHeld(t *testing.T, s *Session, n int) {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for held(s) < n {
		if time.Now().After(deadline) {
			t.Fatalf("%d exits held, want %d", held(s), n)
		}
		time.Sleep(time.Millisecond)
	}
}
