package vm

import (
	"context"
	"os"
	"strconv"
	"strings"
)

// Close kills QEMU if it still runs and removes the VM's sockets and run directory.
func (s *System) Close(ctx context.Context) error {
	if c := s.client(); c != nil {
		c.Close()
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

// processStart returns a process's start time in clock ticks (field 22 of /proc/PID/stat),
// or 0 when the process does not exist.
func processStart(pid int) uint64 {
	f := procStatFields(pid)
	if len(f) < 20 {
		return 0
	}
	v, _ := strconv.ParseUint(f[19], 10, 64)
	return v
}

// procStatFields returns the fields of /proc/PID/stat after the command name (field 3 on).
func procStatFields(pid int) []string {
	b, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/stat")
	if err != nil {
		return nil
	}
	s := string(b)
	i := strings.LastIndexByte(s, ')')
	if i < 0 {
		return nil
	}
	return strings.Fields(s[i+1:])
}
