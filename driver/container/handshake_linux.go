package container

import (
	"context"
	"path/filepath"
	"strconv"

	"github.com/linuxhcs/hcs/driver/agentsession"
	"github.com/linuxhcs/hcs/hresult"
)

// handshake connects to the container's agent, never waiting on the guest without end: it
// gives up with HCS_E_TERMINATED_DURING_START, saying how the init ended, when the init
// exits first, and with HCS_E_CONNECTION_TIMEOUT when the agent does not answer within
// Options.HandshakeTimeout (a frozen or hung agent accepts the connection but never
// answers Hello).
func (s *System) handshake(ctx context.Context, path string, w *exitWatch, unclaimed agentsession.ExitSink) error {
	hctx, cancel := context.WithTimeout(ctx, s.d.opts.HandshakeTimeout)
	defer cancel()
	go func() {
		select {
		case <-w.done:
			cancel()
		case <-hctx.Done():
		}
	}()
	err := s.connect(hctx, path, unclaimed)
	if err == nil {
		return nil
	}
	select {
	case <-w.done:
		return s.initDied()
	default:
	}
	if hctx.Err() == context.DeadlineExceeded && ctx.Err() == nil {
		return hresult.Errorf(hresult.HCS_E_CONNECTION_TIMEOUT, "container %s: its agent did not answer the handshake within %v", s.id, s.d.opts.HandshakeTimeout)
	}
	return err
}

// initDied describes an init that exited before its agent's handshake: its exit status and
// whether the kernel's OOM killer acted in the container.
func (s *System) initDied() error {
	s.mu.Lock()
	w := s.watch
	s.mu.Unlock()
	reason := "the container's init (hcs-agent) ended before its handshake: " + w.status.String()
	if n := s.oomKills(); n > 0 {
		reason += "; the OOM killer killed " + strconv.Itoa(n) + " process(es) of the container: its memory limit is too small"
	}
	return hresult.Errorf(hresult.HCS_E_TERMINATED_DURING_START, "container %s: %s", s.id, reason)
}

// oomKills reads how many processes of the container the kernel's OOM killer killed, from
// the oom_kill counter of its memory cgroup (memory.events on cgroup2, memory.oom_control
// on cgroup v1); 0 when it cannot be read.
func (s *System) oomKills() int {
	dir := s.d.cgroupPath(s.rid)
	file := filepath.Join(cgroupRoot, dir, "memory.events")
	if !s.d.cgroups.Unified {
		file = filepath.Join(cgroupRoot, "memory", dir, "memory.oom_control")
	}
	return int(keyValues(file)["oom_kill"])
}
