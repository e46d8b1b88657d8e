package host

import (
	"context"
	"sync"
	"time"

	"github.com/linuxhcs/hcs/driver"
	"github.com/linuxhcs/hcs/hresult"
	"github.com/linuxhcs/hcs/schema"
	"github.com/linuxhcs/hcs/wire"
)

// process is one process the host started in a system.
type process struct {
	s     *system
	pid   uint32
	dp    driver.Process
	stdio *stdioSet

	mu      sync.Mutex
	status  *schema.ProcessStatus
	handles map[handleKey]struct{}
	// retained keeps an exited process listed until a handle to it is opened and closed:
	// set for processes that outlived a service restart, whose creators' handles are gone.
	retained bool
}

// earlyExitTTL is how long an exit reported for a pid the host does not know yet is kept. A
// driver may report a fast process's exit before its CreateProcess call has returned; the
// exit is claimed when the process is registered a moment later.
const earlyExitTTL = 30 * time.Second

type earlyExit struct {
	status schema.ProcessStatus
	at     time.Time
}

// createProcess starts a process in s and gives sess a handle to it, named ref.
func (s *system) createProcess(ctx context.Context, sess *Session, ref wire.Ref, doc string) (wire.Ref, wire.ProcessInfo, error) {
	params := new(schema.ProcessParameters)
	if err := schema.DecodeRequired("ProcessParameters", doc, params); err != nil {
		return 0, wire.ProcessInfo{}, err
	}
	if st := s.currentState(); st != schema.StateRunning {
		return 0, wire.ProcessInfo{}, hresult.Errorf(hresult.HCS_E_INVALID_STATE, "compute system %q: cannot create a process in state %s", s.id, st)
	}
	stdio, procSide, err := newStdio(params)
	if err != nil {
		return 0, wire.ProcessInfo{}, err
	}
	dp, err := s.ds.CreateProcess(ctx, params, procSide)
	closeStdio(procSide)
	if err != nil {
		stdio.close()
		return 0, wire.ProcessInfo{}, s.wrap(err)
	}
	p := &process{s: s, pid: dp.Pid(), dp: dp, stdio: stdio, handles: map[handleKey]struct{}{}}
	// The caller's files are taken before the process is registered: a process that has
	// already exited is marked so on registration, which drops the host's copies.
	in, out, errf, err := stdio.callerFiles()
	var k handleKey
	if err == nil {
		k, err = sess.addProcess(ref, p)
	}
	if err != nil {
		_ = dp.Kill(context.Background())
		stdio.close()
		closeStdio(driver.Stdio{Stdin: in, Stdout: out, Stderr: errf})
		return 0, wire.ProcessInfo{}, err
	}
	p.handles[k] = struct{}{}
	s.registerProcess(p)
	return k.ref, wire.ProcessInfo{ProcessID: p.pid, StdInput: in, StdOutput: out, StdError: errf}, nil
}

// registerProcess lists p in the process table and applies an exit that arrived early.
func (s *system) registerProcess(p *process) {
	s.mu.Lock()
	s.procs[p.pid] = p
	early, ok := s.earlyExits[p.pid]
	delete(s.earlyExits, p.pid)
	s.mu.Unlock()
	if ok && time.Since(early.at) < earlyExitTTL {
		p.exited(early.status)
	}
}

// processExited applies a reported exit to its process, or keeps it as an early exit.
func (s *system) processExited(status schema.ProcessStatus) {
	s.mu.Lock()
	p := s.procs[status.ProcessId]
	if p == nil && s.recovering {
		// An exit from while the service was down: kept until someone opens the process.
		p = &process{s: s, pid: status.ProcessId, stdio: &stdioSet{}, handles: map[handleKey]struct{}{}, retained: true}
		s.procs[p.pid] = p
	}
	if p == nil {
		s.pruneEarlyExitsLocked()
		s.earlyExits[status.ProcessId] = earlyExit{status, time.Now()}
	}
	s.mu.Unlock()
	if p != nil {
		p.exited(status)
	}
}

func (s *system) pruneEarlyExitsLocked() {
	for pid, e := range s.earlyExits {
		if time.Since(e.at) >= earlyExitTTL {
			delete(s.earlyExits, pid)
		}
	}
}

func (s *system) findProcess(pid uint32) *process {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.procs[pid]
}

// liveProcesses lists the processes that have not exited.
func (s *system) liveProcesses() []*process {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []*process
	for _, p := range s.procs {
		if !p.hasExited() {
			out = append(out, p)
		}
	}
	return out
}

// openProcess gives sess a handle to the process with pid. A process that already exited is
// still found while a handle to it is open, and the new handle gets its exit event.
func (s *system) openProcess(sess *Session, ref wire.Ref, pid uint32) (wire.Ref, error) {
	p := s.findProcess(pid)
	if p == nil {
		return 0, hresult.Errorf(hresult.ERROR_NOT_FOUND, "compute system %q: no process with id %d", s.id, pid)
	}
	k, err := sess.addProcess(ref, p)
	if err != nil {
		return 0, err
	}
	p.mu.Lock()
	p.handles[k] = struct{}{}
	status := p.status
	p.mu.Unlock()
	if status != nil {
		k.emit(eventProcessExited, mustJSON(status))
	}
	return k.ref, nil
}

// adoptProcess lists a process that survived a service restart. Its stdio belongs to the
// client that created it; the service holds none of it any more.
func (s *system) adoptProcess(dp driver.Process) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if _, ok := s.procs[dp.Pid()]; ok {
		return // its exit was already reported
	}
	s.procs[dp.Pid()] = &process{s: s, pid: dp.Pid(), dp: dp, stdio: &stdioSet{}, handles: map[handleKey]struct{}{}, retained: true}
}
