package fakedriver

import (
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"syscall"

	"golang.org/x/sys/unix"

	"github.com/linuxhcs/hcs/driver"
	"github.com/linuxhcs/hcs/hresult"
	"github.com/linuxhcs/hcs/schema"
)

// DefaultPath is the PATH a process gets when its Environment has none, as in a container.
const DefaultPath = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"

// command builds the host command for params: CommandArgs as argv, or CommandLine run by
// /bin/sh -c. The environment is exactly params.Environment (plus DefaultPath), and the
// working directory defaults to /.
func command(params *schema.ProcessParameters, stdio driver.Stdio) (*exec.Cmd, error) {
	if params == nil {
		return nil, hresult.New(hresult.E_INVALIDARG, "fakedriver: ProcessParameters: required")
	}
	argv := params.CommandArgs
	if len(argv) == 0 && params.CommandLine != "" {
		argv = []string{"/bin/sh", "-c", params.CommandLine}
	}
	if len(argv) == 0 || argv[0] == "" {
		return nil, hresult.New(hresult.E_INVALIDARG, "fakedriver: ProcessParameters: CommandArgs or CommandLine required")
	}
	env := environ(params.Environment)
	path, err := lookPath(argv[0], env)
	if err != nil {
		return nil, err
	}
	cmd := &exec.Cmd{Path: path, Args: argv, Env: env, Dir: params.WorkingDirectory}
	if cmd.Dir == "" {
		cmd.Dir = "/"
	}
	if err := attachStdio(cmd, stdio, params.ConsoleSize); err != nil {
		return nil, err
	}
	return cmd, nil
}

// environ turns the Environment map into a sorted KEY=value list with a PATH.
func environ(m map[string]string) []string {
	env := make([]string, 0, len(m)+1)
	for k, v := range m {
		env = append(env, k+"="+v)
	}
	if _, ok := m["PATH"]; !ok {
		env = append(env, "PATH="+DefaultPath)
	}
	slices.Sort(env)
	return env
}

// lookPath resolves name against the PATH in env (not the caller's PATH), as the agent
// in a system would.
func lookPath(name string, env []string) (string, error) {
	if strings.Contains(name, "/") {
		return name, nil
	}
	var dirs string
	for _, kv := range env {
		if v, ok := strings.CutPrefix(kv, "PATH="); ok {
			dirs = v
		}
	}
	for _, dir := range filepath.SplitList(dirs) {
		p := filepath.Join(dir, name)
		if fi, err := os.Stat(p); err == nil && fi.Mode().IsRegular() && fi.Mode().Perm()&0o111 != 0 {
			return p, nil
		}
	}
	return "", hresult.Errorf(hresult.ERROR_NOT_FOUND, "fakedriver: executable %q not found in PATH %q", name, dirs)
}

// attachStdio wires the process's ends of its streams. Nil streams stay nil, which
// os/exec connects to /dev/null. A console becomes fds 0-2 and the controlling terminal of
// a new session, sized to consoleSize ([height, width]) when that is given.
func attachStdio(cmd *exec.Cmd, stdio driver.Stdio, consoleSize []uint16) error {
	if c := stdio.Console; c != nil {
		cmd.Stdin, cmd.Stdout, cmd.Stderr = c, c, c
		cmd.SysProcAttr = &syscall.SysProcAttr{Setsid: true, Setctty: true, Ctty: 0}
		return setConsoleSize(c, consoleSize)
	}
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	if stdio.Stdin != nil {
		cmd.Stdin = stdio.Stdin
	}
	if stdio.Stdout != nil {
		cmd.Stdout = stdio.Stdout
	}
	if stdio.Stderr != nil {
		cmd.Stderr = stdio.Stderr
	}
	return nil
}

// setConsoleSize applies a [height, width] size to the pty; an absent size is left alone.
func setConsoleSize(f *os.File, size []uint16) error {
	if len(size) != 2 || (size[0] == 0 && size[1] == 0) {
		return nil
	}
	rc, err := f.SyscallConn()
	if err != nil {
		return hresult.Wrap(err, hresult.E_INVALIDARG, "fakedriver: console")
	}
	ws := &unix.Winsize{Row: size[0], Col: size[1]}
	var ioErr error
	if err := rc.Control(func(fd uintptr) { ioErr = unix.IoctlSetWinsize(int(fd), unix.TIOCSWINSZ, ws) }); err != nil {
		return hresult.Wrap(err, hresult.E_INVALIDARG, "fakedriver: console")
	}
	if ioErr != nil {
		return hresult.Wrap(ioErr, hresult.E_INVALIDARG, "fakedriver: set console size")
	}
	return nil
}
