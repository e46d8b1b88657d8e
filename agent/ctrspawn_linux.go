package agent

import (
	"encoding/json"
	"os"
	"strconv"
	"syscall"

	"github.com/linuxhcs/hcs/agent/protocol"
	"github.com/linuxhcs/hcs/hresult"
	"golang.org/x/sys/unix"
)

// spawnInContainer starts a process in a container through the helper (see
// containerExecName). The container stays locked meanwhile, so it cannot be deleted, nor
// its init's pid reused, while the helper joins it.
func (a *Agent) spawnInContainer(req *protocol.SpawnRequest, st *stdio) (int, error) {
	a.ctrMu.Lock()
	defer a.ctrMu.Unlock()
	c := a.ctrs[req.Container]
	if c == nil {
		return 0, hresult.Wrap(unknownContainer(req.Container), 0, "Spawn")
	}
	// The account files are read through the init's root; absolute symbolic links in them
	// would resolve in the agent's root, which account files do not use.
	l, err := a.plan(req, "/proc/"+strconv.Itoa(c.init)+"/root")
	if err != nil {
		return 0, err
	}
	cfg := &execConfig{
		Init: c.init, Argv: l.argv, Env: l.env, Dir: req.WorkingDirectory,
		SearchPath: l.searchPath, Cred: l.cred, Console: st.console >= 0,
	}
	return a.forkHelper(cfg, st)
}

// forkHelper runs the helper and registers the process it started. forkMu is held for
// reading throughout, so the reaper cannot reap the process before it is registered; the
// helper, which is the agent's child too, is waited for here.
func (a *Agent) forkHelper(cfg *execConfig, st *stdio) (int, error) {
	a.forkMu.RLock()
	defer a.forkMu.RUnlock()
	if a.stopping {
		return 0, hresult.New(hresult.HCS_E_INVALID_STATE, "Spawn: the agent is shutting down")
	}
	cfgR, cfgW, err := os.Pipe()
	if err != nil {
		return 0, hresult.Wrap(err, 0, "Spawn: pipe")
	}
	defer cfgR.Close()
	defer cfgW.Close()
	repR, repW, err := os.Pipe()
	if err != nil {
		return 0, hresult.Wrap(err, 0, "Spawn: pipe")
	}
	defer repR.Close()
	attr := &syscall.ProcAttr{
		Env:   []string{},
		Files: []uintptr{st.files[0], st.files[1], st.files[2], cfgR.Fd(), repW.Fd()},
	}
	helper, err := a.oom.fork(func() (int, error) {
		return syscall.ForkExec(selfExe, []string{containerExecName}, attr)
	})
	repW.Close()
	if err != nil {
		return 0, hresult.Wrap(err, 0, "Spawn: start the helper")
	}
	json.NewEncoder(cfgW).Encode(cfg)
	cfgW.Close()
	var rep execReport
	decErr := json.NewDecoder(repR).Decode(&rep)
	waitHelper(helper)
	switch {
	case decErr != nil:
		return 0, hresult.New(hresult.E_FAIL, "Spawn: the container's helper exited without a report (see the agent's log)")
	case rep.Error != nil:
		return 0, rep.Error.Err()
	}
	a.register(rep.Pid, st)
	return rep.Pid, nil
}

// waitHelper reaps the helper. The reaper is kept out by forkMu, which the caller holds.
func waitHelper(pid int) {
	for {
		_, err := unix.Wait4(pid, nil, 0, nil)
		if err != unix.EINTR {
			return
		}
	}
}

// markContainers sets the Container of the processes that run in a container: those whose
// pid namespace is a container init's.
func (a *Agent) markContainers(ps []protocol.ProcessInfo) {
	a.ctrMu.Lock()
	byNS := make(map[string]string, len(a.ctrs))
	for _, c := range a.ctrs {
		if c.pidNS != "" {
			byNS[c.pidNS] = c.id
		}
	}
	a.ctrMu.Unlock()
	if len(byNS) == 0 {
		return
	}
	for i := range ps {
		ns, err := os.Readlink(procRoot + "/" + strconv.Itoa(ps[i].Pid) + "/ns/pid")
		if err == nil {
			ps[i].Container = byNS[ns]
		}
	}
}

// onlyInitsLeft reports whether the agent has containers and every process it could stop
// is the init of one of them.
func (a *Agent) onlyInitsLeft() bool {
	a.ctrMu.Lock()
	inits := make(map[int]bool, len(a.ctrs))
	for _, c := range a.ctrs {
		inits[c.init] = true
	}
	a.ctrMu.Unlock()
	if len(inits) == 0 {
		return false
	}
	for _, pid := range descendants(procRoot, os.Getpid()) {
		if !inits[pid] {
			return false
		}
	}
	return true
}

// killContainers deletes every container (during a shutdown).
func (a *Agent) killContainers() {
	a.ctrMu.Lock()
	ids := make([]string, 0, len(a.ctrs))
	for id := range a.ctrs {
		ids = append(ids, id)
	}
	a.ctrMu.Unlock()
	for _, id := range ids {
		if err := a.deleteContainer(id); err != nil {
			a.log.Printf("shutdown: %v", err)
		}
	}
}

// containerPTMX returns the /dev/ptmx of a container as the agent reaches it, so that a
// relayed console is a terminal of the container's own devpts; "" outside a container (or
// for an unknown one, which Spawn refuses later).
func (a *Agent) containerPTMX(id string) string {
	if id == "" {
		return ""
	}
	a.ctrMu.Lock()
	defer a.ctrMu.Unlock()
	if c := a.ctrs[id]; c != nil {
		return "/proc/" + strconv.Itoa(c.init) + "/root/dev/ptmx"
	}
	return ""
}
