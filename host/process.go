package host

import (
	"context"
	"sync"

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
	// listed is set once the process is in the system's table with its first handle; an
	// exit that comes earlier is only recorded until then.
	listed bool
}

// createProcess starts a process in s and gives sess a handle to it. The process's exit
// sink is handed to the driver with the request, so no exit can arrive for a process the
// host does not know; one that comes before it is listed is recorded and announced when it
// is. Its handle is named ref.
func (s *system) createProcess(ctx context.Context, sess *Session, ref wire.Ref, doc string) (wire.ProcessInfo, error) {
	params := new(schema.ProcessParameters)
	if err := schema.DecodeRequired("ProcessParameters", doc, params); err != nil {
		return wire.ProcessInfo{}, err
	}
	if st := s.currentState(); st != schema.StateRunning {
		return wire.ProcessInfo{}, hresult.Errorf(hresult.HCS_E_INVALID_STATE, "compute system %q: cannot create a process in state %s", s.id, st)
	}
	stdio, procSide, err := newStdio(params)
	if err != nil {
		return wire.ProcessInfo{}, err
	}
	p := &process{s: s, stdio: stdio, handles: map[handleKey]struct{}{}}
	dp, err := s.ds.CreateProcess(ctx, driver.ProcessRequest{Params: params, Stdio: procSide, OnExit: p.onExit})
	closeStdio(procSide)
	if err != nil {
		stdio.close()
		return wire.ProcessInfo{}, s.wrap(err)
	}
	p.mu.Lock()
	p.pid, p.dp = dp.Pid(), dp
	p.mu.Unlock()
	// The caller's files are taken before the process is listed: a process that has
	// already exited drops the host's copies when it is.
	in, out, errf, err := stdio.callerFiles()
	var k handleKey
	if err == nil {
		k, err = sess.addProcess(ref, p)
	}
	if err != nil {
		_ = dp.Kill(context.Background())
		stdio.close()
		closeStdio(driver.Stdio{Stdin: in, Stdout: out, Stderr: errf})
		return wire.ProcessInfo{}, err
	}
	p.mu.Lock()
	p.handles[k] = struct{}{}
	p.mu.Unlock()
	s.listProcess(p)
	return wire.ProcessInfo{ProcessID: p.pid, StdInput: in, StdOutput: out, StdError: errf}, nil
}

// listProcess enters p in the process table; an exit recorded before is announced now.
func (s *system) listProcess(p *process) {
	s.mu.Lock()
	s.procs[p.pid] = p
	s.mu.Unlock()
	p.mu.Lock()
	p.listed = true
	exited := p.status != nil
	p.mu.Unlock()
	if exited {
		p.announceExit()
	}
}

// recoveredProcessExited applies the exit of a process that outlived a service restart.
// One the driver did not list as running exited while the service was down: it is kept
// until someone opens it.
func (s *system) recoveredProcessExited(status schema.ProcessStatus) {
	s.mu.Lock()
	p := s.procs[status.ProcessId]
	if p == nil {
		p = &process{s: s, pid: status.ProcessId, stdio: &stdioSet{}, handles: map[handleKey]struct{}{}, retained: true, listed: true}
		s.procs[p.pid] = p
	}
	s.mu.Unlock()
	p.exited(status)
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
func (s *system) openProcess(sess *Session, ref wire.Ref, pid uint32) error {
	p := s.findProcess(pid)
	if p == nil {
		return hresult.Errorf(hresult.ERROR_NOT_FOUND, "compute system %q: no process with id %d", s.id, pid)
	}
	k, err := sess.addProcess(ref, p)
	if err != nil {
		return err
	}
	p.mu.Lock()
	p.handles[k] = struct{}{}
	status := p.status
	p.mu.Unlock()
	if status != nil {
		k.emit(eventProcessExited, mustJSON(status))
	}
	return nil
}

// adoptProcess lists a process that survived a service restart. Its stdio belongs to the
// client that created it; the service holds none of it any more.
func (s *system) adoptProcess(dp driver.Process) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if _, ok := s.procs[dp.Pid()]; ok {
		return // its exit was already reported
	}
	s.procs[dp.Pid()] = &process{s: s, pid: dp.Pid(), dp: dp, stdio: &stdioSet{}, handles: map[handleKey]struct{}{}, retained: true, listed: true}
}
