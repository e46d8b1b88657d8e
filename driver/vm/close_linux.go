package vm

import (
	"context"
)

// Close kills QEMU if it still runs and removes the VM's sockets and run directory.
func (s *System) Close(ctx context.Context) error {
	if sess := s.agent.Get(); sess != nil {
		sess.Close()
	}
	var err error
	if p := s.qemuProc(); p != nil {
		if !isDone(p.done) {
			p.kill()
		}
		err = waitDone(ctx, p.done)
	}
	if m := s.monitor(); m != nil {
		m.Close()
	}
	s.mu.Lock()
	if s.consoleConn != nil {
		s.consoleConn.Close()
	}
	if s.pendingAgent != nil {
		s.pendingAgent.Close()
	}
	s.mu.Unlock()
	for _, f := range s.cmd.filesOf(RoleComPort) {
		removeSocket(f.Path)
	}
	s.release()
	return err
}

// filesOf returns the inherited files of a role (none for a nil Command).
func (c *Command) filesOf(role string) []InheritedFile {
	if c == nil {
		return nil
	}
	var out []InheritedFile
	for _, f := range c.Files {
		if f.Role == role {
			out = append(out, f)
		}
	}
	return out
}
