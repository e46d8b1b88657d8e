package container

import (
	"context"
	"os"
	"path/filepath"
	"time"

	"github.com/linuxhcs/hcs/driver"
	"github.com/linuxhcs/hcs/hresult"
	"github.com/linuxhcs/hcs/internal/procfs"
	"github.com/linuxhcs/hcs/storage"
)

// reconcile settles a container whose state records no init with what its runtime holds.
// The service can die between asking the runtime to run the container and recording the
// init's pid: the runtime then knows a container the record does not. One that runs is
// adopted, since its agent is waiting for the service; anything else the runtime knows is
// half made and deleted, so the next Start does not find the name taken.
func (s *System) reconcile(ctx context.Context) (driver.Recovered, error) {
	st, ok, err := s.rt.State(ctx, s.rid)
	if err != nil {
		return driver.Recovered{}, err
	}
	if !ok {
		return s.notStarted()
	}
	if st.Status == "running" && st.Pid > 0 {
		s.d.log.Info("adopting a container whose start was not recorded: its init runs",
			"id", s.id, "runtimeId", s.rid, "pid", st.Pid)
		s.mu.Lock()
		s.pid, s.pidStart, s.startAt = st.Pid, procfs.StartTime(st.Pid), time.Now()
		s.mu.Unlock()
		if err := s.saveState(); err != nil {
			return driver.Recovered{}, err
		}
		return s.reattach(ctx)
	}
	s.d.log.Info("deleting a half-made runtime container so the system can start again",
		"id", s.id, "runtimeId", s.rid, "status", st.Status)
	if err := s.rt.Delete(ctx, s.rid); err != nil {
		return driver.Recovered{}, err
	}
	return s.notStarted()
}

// notStarted returns a container recovered as created. The agent socket a start that the
// service did not finish left under the container's recorded name is removed: Start
// listens there anew, and refuses a socket it finds.
func (s *System) notStarted() (driver.Recovered, error) {
	if err := os.Remove(s.socketPath()); err != nil && !os.IsNotExist(err) {
		return driver.Recovered{}, hresult.Wrap(err, hresult.E_FAIL, "container "+s.id+": removing the agent socket of an unfinished start")
	}
	return driver.Recovered{System: s}, nil
}

// stateFromConfig is what Cleanup releases for a container whose state file is missing or
// damaged: the root its configuration names. Its runtime name is lost with the record (it
// is random, not derived from the id); the service's sweep (Driver.Sweep) finds that
// runtime entry as one no system claims. A
// union found on that root is taken as the driver's own (the state that would say is lost,
// and nothing else may use the root of a container being released).
func stateFromConfig(req driver.CreateRequest) persisted {
	var p persisted
	if st := req.Config.Container.Storage; st != nil {
		p.Rootfs = st.Path
	}
	if p.Rootfs == "" {
		p.Rootfs, p.Scratch = filepath.Join(req.StateDir, "scratch"), true
	}
	p.Attached, _ = storage.IsAttached(p.Rootfs)
	return p
}
