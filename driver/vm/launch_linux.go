package vm

import (
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"syscall"

	"github.com/linuxhcs/hcs/hresult"
	"github.com/linuxhcs/hcs/internal/procfs"
)

// qemuLog is QEMU's standard output and error, in the state directory.
func (s *System) qemuLog() string { return filepath.Join(s.dir, "qemu.log") }

// launch creates the descriptors QEMU inherits and starts it as the VM's uid.
func (s *System) launch() error {
	release, err := s.d.uids.claim(s.uid, s.id)
	if err != nil {
		return err
	}
	defer release() // once QEMU runs, the process itself holds the uid
	if err := os.MkdirAll(s.plan9Dir(), 0o711); err != nil {
		return hresult.Wrap(err, hresult.E_FAIL, "VM run directory")
	}
	files, err := s.inheritedFiles()
	defer closeFiles(files)
	if err != nil {
		return err
	}
	logf, err := os.OpenFile(s.qemuLog(), os.O_WRONLY|os.O_CREATE|os.O_APPEND, 0o600)
	if err != nil {
		return hresult.Wrap(err, hresult.E_FAIL, "QEMU log")
	}
	defer logf.Close()
	cmd := exec.Command(s.d.qemu, s.cmd.Args...)
	cmd.ExtraFiles = files
	cmd.Env = []string{"PATH=/usr/sbin:/usr/bin:/sbin:/bin"}
	cmd.Stdout, cmd.Stderr = logf, logf
	cmd.Dir = "/"
	cmd.SysProcAttr = &syscall.SysProcAttr{Setsid: true, Credential: s.credential()}
	if err := cmd.Start(); err != nil {
		return hresult.Wrap(err, hresult.E_FAIL, "start QEMU")
	}
	p := &qemuProcess{cmd: cmd, pid: cmd.Process.Pid, start: procfs.StartTime(cmd.Process.Pid), done: make(chan struct{}), pidfd: -1}
	s.mu.Lock()
	s.qemu = p
	s.mu.Unlock()
	go s.waitExit(p)
	return s.saveState()
}

// credential is QEMU's identity: the VM's uid and gid, the group of all VMs and, with KVM,
// the group of /dev/kvm. os/exec calls setgroups before setgid and setuid.
func (s *System) credential() *syscall.Credential {
	groups := []uint32{VMGroupID}
	if s.d.accel == AccelKVM && s.d.kvmGID >= 0 {
		groups = append(groups, uint32(s.d.kvmGID))
	}
	return &syscall.Credential{Uid: s.uid, Gid: s.uid, Groups: groups}
}

// inheritedFiles creates the descriptors of s.cmd.Files in order.
func (s *System) inheritedFiles() ([]*os.File, error) {
	var files []*os.File
	for _, f := range s.cmd.Files {
		var file *os.File
		var err error
		switch f.Role {
		case RoleQMP:
			file, err = listenUnix(s.qmpPath())
		case RoleAgent:
			file, err = listenUnix(s.agentPath())
		case RoleConsole:
			file, err = listenUnix(s.consolePath())
		case RoleComPort:
			file, err = listenComPort(f.Path)
		case RoleIncoming:
			file, err = openSavedState(f.Path)
		case RoleVsock:
			file, err = openVhostVsock()
		case RoleBootFile:
			file, err = s.openBootFile(f)
		default:
			err = fmt.Errorf("unknown descriptor role %q", f.Role)
		}
		if err != nil {
			return files, err
		}
		files = append(files, file)
	}
	return files, nil
}

// listenUnix creates a listening unix socket at path (mode 0600, root's) and returns its
// descriptor; the socket file stays when the descriptor is closed.
func listenUnix(path string) (*os.File, error) {
	os.Remove(path)
	l, err := net.ListenUnix("unix", &net.UnixAddr{Name: path, Net: "unix"})
	if err != nil {
		return nil, hresult.Wrap(err, hresult.E_FAIL, "listen on "+path)
	}
	l.SetUnlinkOnClose(false)
	defer l.Close()
	os.Chmod(path, 0o600)
	f, err := l.File()
	return f, hresult.Wrap(err, hresult.E_FAIL, "listen on "+path)
}

// listenComPort listens at a ComPort's NamedPipe path, replacing a stale socket but never
// another kind of file.
func listenComPort(path string) (*os.File, error) {
	fi, err := os.Lstat(path)
	switch {
	case err == nil && fi.Mode()&fs.ModeSocket == 0:
		return nil, hresult.Errorf(hresult.E_INVALIDARG, "ComPort NamedPipe %s exists and is not a socket", path)
	case err != nil && !errors.Is(err, fs.ErrNotExist):
		return nil, hresult.Wrap(err, hresult.E_INVALIDARG, "ComPort NamedPipe")
	}
	return listenUnix(path)
}

func closeFiles(files []*os.File) {
	for _, f := range files {
		f.Close()
	}
}

// logTail returns the end of QEMU's log, to explain a failure.
func (s *System) logTail() string {
	b, _ := os.ReadFile(s.qemuLog())
	b = bytes.TrimSpace(b)
	if len(b) > 2048 {
		b = b[len(b)-2048:]
	}
	return string(b)
}

// withLog adds QEMU's log to an error of a step that QEMU failed.
func (s *System) withLog(step string, err error) error {
	if tail := s.logTail(); tail != "" {
		return hresult.Wrap(err, 0, fmt.Sprintf("VM %s: %s (QEMU said: %s)", s.id, step, tail))
	}
	return hresult.Wrap(err, 0, fmt.Sprintf("VM %s: %s", s.id, step))
}
