package agent

import (
	"encoding/json"
	"fmt"
	"os"
	"runtime"
	"strconv"
	"syscall"

	"github.com/linuxhcs/hcs/agent/protocol"
	"github.com/linuxhcs/hcs/hresult"
	"golang.org/x/sys/unix"
)

// A process of a container is started by a short-lived helper: this binary again, with
// argv[0] containerExecName. Entering a mount namespace (setns) needs a thread that shares
// its root and working directory with no other, which no thread of the agent is, and a
// Go program cannot join namespaces before its runtime starts threads (that needs cgo).
// The helper, which does nothing else, locks its main goroutine to its thread, unshares
// the thread's file system attributes, joins the init's namespaces and root, and forks the
// process from that thread with CLONE_PARENT: the process is born in the container's pid
// namespace and is the agent's child, reaped and reported like any other.

const containerExecName = "hcs-container-exec"

// execConfig is what the agent sends the helper on fd 3. The program and working directory
// are resolved by the helper, in the container's root.
type execConfig struct {
	Init       int                 `json:"Init"`
	Argv       []string            `json:"Argv"`
	Env        []string            `json:"Env"`
	Dir        string              `json:"Dir"`
	SearchPath string              `json:"SearchPath"`
	Cred       *syscall.Credential `json:"Cred,omitempty"`
	Console    bool                `json:"Console,omitempty"`
}

// execReport is what the helper sends back on fd 4.
type execReport struct {
	Pid   int             `json:"Pid,omitempty"`
	Error *protocol.Error `json:"Error,omitempty"`
}

// runContainerExec is the main function of the helper. Its fds 0-2 are the process's stdio.
func runContainerExec() int {
	runtime.LockOSThread() // for ever: this thread alone joins the container
	syscall.CloseOnExec(3)
	syscall.CloseOnExec(4)
	rep := os.NewFile(4, "report")
	var cfg execConfig
	err := json.NewDecoder(os.NewFile(3, "config")).Decode(&cfg)
	pid := 0
	if err == nil {
		pid, err = execInContainer(&cfg)
	}
	json.NewEncoder(rep).Encode(execReport{Pid: pid, Error: protocol.ErrorFrom(err)})
	return 0
}

// execInContainer joins the namespaces and root of the init and starts the process.
func execInContainer(cfg *execConfig) (int, error) {
	if err := enterContainer(cfg.Init); err != nil {
		return 0, hresult.Wrap(err, 0, "Spawn: enter the container")
	}
	dir, err := workingDir(cfg.Dir)
	if err != nil {
		return 0, err
	}
	exe, err := lookPath(cfg.Argv[0], cfg.SearchPath)
	if err != nil {
		return 0, err
	}
	attr := &syscall.ProcAttr{
		Dir:   dir,
		Env:   cfg.Env,
		Files: []uintptr{0, 1, 2},
		Sys: &syscall.SysProcAttr{
			Setsid:     true,
			Setctty:    cfg.Console,
			Credential: cfg.Cred,
			Cloneflags: syscall.CLONE_PARENT,
		},
	}
	pid, err := syscall.ForkExec(exe, cfg.Argv, attr)
	if err != nil {
		return 0, execError(&launch{exe: exe, dir: dir, cred: cfg.Cred}, err)
	}
	return pid, nil
}

// enterContainer moves the calling thread into the init's ipc, uts, pid (for children)
// and mount namespaces, then into its root.
func enterContainer(init int) error {
	proc := "/proc/" + strconv.Itoa(init)
	root, err := unix.Open(proc+"/root", unix.O_RDONLY|unix.O_DIRECTORY|unix.O_CLOEXEC, 0)
	if err != nil {
		return err
	}
	defer unix.Close(root)
	if err := unix.Unshare(unix.CLONE_FS); err != nil {
		return fmt.Errorf("unshare CLONE_FS: %w", err)
	}
	for _, ns := range []struct {
		name string
		flag int
	}{{"ipc", unix.CLONE_NEWIPC}, {"uts", unix.CLONE_NEWUTS}, {"pid", unix.CLONE_NEWPID}, {"mnt", unix.CLONE_NEWNS}} {
		if err := setns(proc+"/ns/"+ns.name, ns.flag); err != nil {
			return err
		}
	}
	if err := unix.Fchdir(root); err != nil {
		return fmt.Errorf("fchdir to the container's root: %w", err)
	}
	if err := unix.Chroot("."); err != nil {
		return fmt.Errorf("chroot to the container's root: %w", err)
	}
	return unix.Chdir("/")
}

// setns joins the namespace that path names.
func setns(path string, flag int) error {
	fd, err := unix.Open(path, unix.O_RDONLY|unix.O_CLOEXEC, 0)
	if err != nil {
		return err
	}
	defer unix.Close(fd)
	if err := unix.Setns(fd, flag); err != nil {
		return fmt.Errorf("setns %s: %w", path, err)
	}
	return nil
}

// RunHelper runs the agent's helper modes: the init of a container and the starter of a
// container's processes, which the agent runs by executing its own binary again with a
// particular argv[0]. It returns false, doing nothing, for any other argv[0]; otherwise it
// exits the process.
func RunHelper(argv0 string) bool {
	switch argv0 {
	case containerInitName:
		os.Exit(runContainerInit())
	case containerExecName:
		os.Exit(runContainerExec())
	}
	return false
}
