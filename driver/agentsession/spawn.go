package agentsession

import (
	"context"
	"os"

	"github.com/linuxhcs/hcs/agent/protocol"
)

// Spawn starts a process with the files the request announces (see protocol.Client.Spawn)
// and returns its pid; onExit receives its exit. When Spawn fails, onExit is never called.
func (s *Session) Spawn(ctx context.Context, req protocol.SpawnRequest, onExit ExitSink, files ...*os.File) (int, error) {
	if err := s.beginSpawn(); err != nil {
		return 0, err
	}
	pid, err := s.client.Spawn(ctx, req, files...)
	s.endSpawn(pid, err, onExit)
	return pid, err
}

// SpawnRelayed starts a process whose stdio is relayed over the connection (see
// protocol.Client.SpawnRelayed); it returns the pid and the console's input stream id.
// onExit receives its exit; when SpawnRelayed fails, onExit is never called.
func (s *Session) SpawnRelayed(ctx context.Context, req protocol.SpawnRequest, std protocol.RelayedStdio, onExit ExitSink) (int, uint32, error) {
	if err := s.beginSpawn(); err != nil {
		closeRelayed(std)
		return 0, 0, err
	}
	pid, stream, err := s.client.SpawnRelayed(ctx, req, std)
	s.endSpawn(pid, err, onExit)
	return pid, stream, err
}

// beginSpawn counts a spawn in flight, before its request is sent: from then on an exit of
// an unknown pid may be this spawn's and is held.
func (s *Session) beginSpawn() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.finished {
		return errFinished()
	}
	s.inFlight++
	return nil
}

// endSpawn records the spawned pid with its sink, delivering an exit that overtook the
// reply, and settles the held exits once no spawn is in flight any more.
func (s *Session) endSpawn(pid int, err error, onExit ExitSink) {
	if err == nil && s.opts.SpawnReturned != nil {
		s.opts.SpawnReturned(pid)
	}
	s.mu.Lock()
	s.inFlight--
	var mine []delivery
	if err == nil {
		mine = s.claimLocked(pid, onExit)
	}
	var unclaimed []protocol.ProcessExited
	if s.inFlight == 0 {
		unclaimed, s.held = s.held, nil
	}
	s.mu.Unlock()
	for _, d := range mine {
		s.deliver(d)
	}
	for _, e := range unclaimed {
		s.deliver(s.unclaimed(e))
	}
}

// claimLocked records pid as onExit's, or returns the delivery of its exit when that
// arrived first (held) or the session has finished (the process died with the agent).
func (s *Session) claimLocked(pid int, onExit ExitSink) []delivery {
	if i := s.lastHeldLocked(pid); i >= 0 {
		e := s.held[i]
		s.held = append(s.held[:i], s.held[i+1:]...)
		return []delivery{{sink: onExit, exit: e, ack: true}}
	}
	if s.finished {
		return []delivery{{sink: onExit, exit: protocol.ProcessExited{Pid: pid, ExitCode: KilledExitCode}}}
	}
	s.procs[pid] = onExit
	return nil
}

// lastHeldLocked returns the index of the newest held exit of pid, or -1. The newest is
// taken because a pid can only be returned by a spawn after its earlier holder exited.
func (s *Session) lastHeldLocked(pid int) int {
	for i := len(s.held) - 1; i >= 0; i-- {
		if s.held[i].Pid == pid {
			return i
		}
	}
	return -1
}

func closeRelayed(std protocol.RelayedStdio) {
	if std.Stdin != nil {
		std.Stdin.Close()
	}
	if std.Stdout != nil {
		std.Stdout.Close()
	}
	if std.Stderr != nil {
		std.Stderr.Close()
	}
}
