package agent

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path"
	"strconv"
	"strings"
	"syscall"

	"github.com/linuxhcs/hcs/agent/protocol"
	"github.com/linuxhcs/hcs/hresult"
)

// launch is everything needed to start a process except its stdio.
type launch struct {
	argv []string
	exe  string
	dir  string
	env  []string
	cred *syscall.Credential // nil: run as the agent
	// searchPath is the PATH that finds argv[0].
	searchPath string
}

// spawn starts the process a request describes. It owns fds: they are either handed to the
// process or closed. A request with Relay gets stdio relayed over the session in ctx.
func (a *Agent) spawn(ctx context.Context, req *protocol.SpawnRequest, fds []int) (protocol.SpawnResult, error) {
	var st *stdio
	var err error
	if req.Relay != nil {
		protocol.CloseFDs(fds)
		st, err = newRelayStdio(req, relayFrom(ctx), a.containerPTMX(req.Container))
	} else {
		st, err = newStdio(req, fds)
	}
	if err != nil {
		return protocol.SpawnResult{}, err
	}
	var pid int
	if req.Container != "" {
		pid, err = a.spawnInContainer(req, st)
	} else {
		pid, err = a.spawnHere(req, st)
	}
	if err != nil {
		st.abort()
		return protocol.SpawnResult{}, err
	}
	st.started()
	return protocol.SpawnResult{Pid: pid}, nil
}

// spawnHere starts a process in the agent's own namespaces and root.
func (a *Agent) spawnHere(req *protocol.SpawnRequest, st *stdio) (int, error) {
	l, err := a.plan(req, a.cfg.Root)
	if err != nil {
		return 0, err
	}
	if l.dir, err = workingDir(req.WorkingDirectory); err != nil {
		return 0, err
	}
	if l.exe, err = lookPath(l.argv[0], l.searchPath); err != nil {
		return 0, err
	}
	return a.forkExec(l, st)
}

// plan validates a request and resolves its user (in root) and environment. The program
// and working directory are left to the caller, which resolves them in the right root.
func (a *Agent) plan(req *protocol.SpawnRequest, root string) (*launch, error) {
	argv, err := commandArgs(req)
	if err != nil {
		return nil, err
	}
	home, cred, err := identity(root, req.User)
	if err != nil {
		return nil, err
	}
	env, err := buildEnv(req.Environment, home)
	if err != nil {
		return nil, err
	}
	searchPath, ok := req.Environment["PATH"]
	if !ok {
		searchPath = DefaultPath
	}
	return &launch{argv: argv, env: env, cred: cred, searchPath: searchPath}, nil
}

// commandArgs returns argv: CommandArgs when given, else CommandLine split into words.
func commandArgs(req *protocol.SpawnRequest) ([]string, error) {
	argv := req.CommandArgs
	if len(argv) == 0 {
		if strings.TrimSpace(req.CommandLine) == "" {
			return nil, hresult.New(hresult.E_INVALIDARG, "Spawn: CommandArgs or CommandLine is required")
		}
		var err error
		if argv, err = SplitCommandLine(req.CommandLine); err != nil {
			return nil, err
		}
	}
	for i, s := range argv {
		if strings.IndexByte(s, 0) >= 0 {
			return nil, hresult.Errorf(hresult.E_INVALIDARG, "CommandArgs[%d]: contains a NUL byte", i)
		}
	}
	return argv, nil
}

// identity resolves User in root's account files. "" runs the process as the agent (root
// in a container) and only looks up HOME.
func identity(root, user string) (home string, cred *syscall.Credential, err error) {
	if user == "" {
		id, err := ResolveUser(root, strconv.Itoa(os.Geteuid()))
		if err != nil {
			return "/", nil, nil
		}
		return id.Home, nil, nil
	}
	id, err := ResolveUser(root, user)
	if err != nil {
		return "", nil, err
	}
	return id.Home, &syscall.Credential{Uid: id.Uid, Gid: id.Gid, Groups: id.Groups}, nil
}

// workingDir checks WorkingDirectory ("" means "/"; a relative one is taken from "/").
func workingDir(dir string) (string, error) {
	if dir == "" {
		return "/", nil
	}
	dir = path.Join("/", dir)
	fi, err := os.Stat(dir)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return "", hresult.Errorf(hresult.ERROR_NOT_FOUND, "WorkingDirectory %q: no such directory", dir)
	case err != nil:
		return "", hresult.Wrap(err, 0, "WorkingDirectory")
	case !fi.IsDir():
		return "", hresult.Errorf(hresult.E_INVALIDARG, "WorkingDirectory %q: not a directory", dir)
	}
	return dir, nil
}

// forkExec starts the process and registers it before the reaper can see it exit. Every
// process gets its own session (and with a console, its controlling terminal), so signals
// to a process group inside the container never reach the agent.
func (a *Agent) forkExec(l *launch, st *stdio) (int, error) {
	attr := &syscall.ProcAttr{
		Dir:   l.dir,
		Env:   l.env,
		Files: st.files[:],
		Sys: &syscall.SysProcAttr{
			Setsid:     true,
			Setctty:    st.console >= 0,
			Ctty:       0,
			Credential: l.cred,
		},
	}
	a.forkMu.RLock()
	defer a.forkMu.RUnlock()
	if a.stopping {
		return 0, hresult.New(hresult.HCS_E_INVALID_STATE, "Spawn: the agent is shutting down")
	}
	pid, err := a.oom.fork(func() (int, error) { return syscall.ForkExec(l.exe, l.argv, attr) })
	if err != nil {
		return 0, execError(l, err)
	}
	a.register(pid, st)
	return pid, nil
}

// register records a spawned process; the caller holds forkMu, so it cannot have been
// reaped yet.
func (a *Agent) register(pid int, st *stdio) {
	a.mu.Lock()
	a.procs[pid] = &proc{pid: pid, console: st.keepConsole()}
	a.mu.Unlock()
}

// execError explains why the process could not start, naming the program.
func execError(l *launch, err error) error {
	msg := fmt.Sprintf("start %q (working directory %q)", l.exe, l.dir)
	if l.cred != nil {
		msg += fmt.Sprintf(" as %d:%d", l.cred.Uid, l.cred.Gid)
	}
	var code hresult.HRESULT
	switch err {
	case syscall.ENOENT:
		code = hresult.ERROR_NOT_FOUND
	case syscall.EACCES, syscall.EPERM:
		code = hresult.E_ACCESSDENIED
	case syscall.ENOEXEC, syscall.ENOTDIR, syscall.EISDIR, syscall.ELOOP, syscall.ENAMETOOLONG, syscall.E2BIG:
		code = hresult.E_INVALIDARG
	default:
		code = hresult.E_FAIL
	}
	return hresult.Wrap(err, code, msg)
}
