package container

import (
	"context"
	"os"
	"syscall"

	"github.com/linuxhcs/hcs/agent/protocol"
	"github.com/linuxhcs/hcs/driver"
	"github.com/linuxhcs/hcs/driver/agentsession"
	"github.com/linuxhcs/hcs/schema"
)

// Process is a process the agent started in the container.
type Process struct {
	s   *System
	pid int
}

var _ driver.Process = (*Process)(nil)

// CreateProcess asks the agent to start a process with the given stdio; its exit goes to
// req.OnExit through the agent's session.
func (s *System) CreateProcess(ctx context.Context, req driver.ProcessRequest) (driver.Process, error) {
	sess, err := s.agentSession(ctx)
	if err != nil {
		return nil, err
	}
	spawn, files := spawnRequest(req.Params, req.Stdio)
	pid, err := sess.Spawn(ctx, spawn, agentsession.Sink(req.OnExit), files...)
	if err != nil {
		return nil, err
	}
	stepExecSpawned.Reach()
	return &Process{s: s, pid: pid}, nil
}

// spawnRequest translates ProcessParameters into the agent's request and the descriptors
// that travel with it.
func spawnRequest(p *schema.ProcessParameters, stdio driver.Stdio) (protocol.SpawnRequest, []*os.File) {
	req := protocol.SpawnRequest{
		CommandArgs: p.CommandArgs, CommandLine: p.CommandLine, Environment: p.Environment,
		WorkingDirectory: p.WorkingDirectory, User: p.User,
	}
	if stdio.Console != nil {
		req.EmulateConsole = true
		if len(p.ConsoleSize) == 2 {
			req.ConsoleSize = [2]uint16{p.ConsoleSize[0], p.ConsoleSize[1]}
		}
		return req, []*os.File{stdio.Console}
	}
	var files []*os.File
	for _, f := range []struct {
		file *os.File
		flag *bool
	}{{stdio.Stdin, &req.Stdin}, {stdio.Stdout, &req.Stdout}, {stdio.Stderr, &req.Stderr}} {
		if f.file != nil {
			*f.flag = true
			files = append(files, f.file)
		}
	}
	return req, files
}

// Pid implements driver.Process.
func (p *Process) Pid() uint32 { return uint32(p.pid) }

// Signal implements driver.Process.
func (p *Process) Signal(ctx context.Context, signal int) error {
	if p.s.isPaused() {
		return p.s.hostSignal(p.pid, syscall.Signal(signal))
	}
	sess, err := p.s.agentSession(ctx)
	if err != nil {
		return err
	}
	return sess.Signal(ctx, p.pid, signal)
}

// Kill implements driver.Process.
func (p *Process) Kill(ctx context.Context) error {
	return p.Signal(ctx, int(syscall.SIGKILL))
}
