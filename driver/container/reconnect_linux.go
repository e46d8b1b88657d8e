package container

import (
	"context"
	"fmt"

	"github.com/linuxhcs/hcs/driver"
	"github.com/linuxhcs/hcs/driver/agentsession"
	"github.com/linuxhcs/hcs/hresult"
)

// reconnect is the part of recovering a container that talks to its agent (see
// driver.Recovered.Reattach): a container found paused is left frozen and reconnected once
// it is resumed; the handshake is bounded like at Start. The agent re-sends on the new
// connection every exit it reported while nobody listened; the session passes those of
// processes it does not know to the host's recovery path. It returns the processes the
// agent spawned that still run.
func (s *System) reconnect(ctx context.Context) (procs []driver.Process, err error) {
	defer func() { s.settleReattach(err) }()
	s.mu.Lock()
	w, thawing := s.watch, s.thawing
	s.mu.Unlock()
	if thawing != nil {
		select {
		case <-thawing:
		case <-w.done:
			return nil, fmt.Errorf("container %s: its init ended while it was paused: %w", s.id, driver.ErrSystemGone)
		case <-ctx.Done():
			return nil, hresult.Wrap(ctx.Err(), 0, "container "+s.id+": waiting for it to be resumed")
		}
	}
	unclaimed := agentsession.Sink(s.notify.ProcessExited)
	if err := s.handshake(ctx, s.socketPath(), w, unclaimed); err != nil {
		return nil, err
	}
	pids, err := s.agent.Get().AdoptRunning(ctx, unclaimed)
	for _, pid := range pids {
		procs = append(procs, &Process{s: s, pid: pid})
	}
	return procs, err
}

// settleReattach ends the wait of calls that need the agent, with err when reconnecting
// failed.
func (s *System) settleReattach(err error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.reattachErr = err
	close(s.reattaching)
}

// awaitReattach waits, within ctx, until reconnect settled; it returns at once for a
// container this service instance started.
func (s *System) awaitReattach(ctx context.Context) error {
	s.mu.Lock()
	ch := s.reattaching
	s.mu.Unlock()
	if ch == nil {
		return nil
	}
	select {
	case <-ch:
	case <-ctx.Done():
		return hresult.Wrap(ctx.Err(), 0, "container "+s.id+": waiting for its agent to be reconnected after the service restarted")
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.reattachErr != nil {
		return hresult.Wrap(s.reattachErr, hresult.HCS_E_CONNECTION_CLOSED, "container "+s.id+": its agent could not be reconnected after the service restarted")
	}
	return nil
}

// thawed lets a reconnect that waits for a resume go on.
func (s *System) thawed() {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.thawing != nil {
		close(s.thawing)
		s.thawing = nil
	}
}
