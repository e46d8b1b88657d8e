package agent

import (
	"encoding/json"
	"io"
	"os"
	"path"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/linuxhcs/hcs/agent/protocol"
	"github.com/linuxhcs/hcs/hresult"
	"golang.org/x/sys/unix"
)

// ContainersDir holds a directory per container, named by its ID, whose "rootfs" is where
// the container's init mounts the union of its layers (in its own mount namespace only).
const ContainersDir = "/run/hcs/containers"

// deleteTimeout bounds how long DeleteContainer waits for the container's init to exit
// after SIGKILL; the kernel ends the init only once every process of its pid namespace has
// exited and been reaped.
const deleteTimeout = 10 * time.Second

// maxHostname is the longest host name Linux accepts (HOST_NAME_MAX).
const maxHostname = 64

// container is a running container: its init and the namespaces the init created.
type container struct {
	id    string
	dir   string // ContainersDir/id
	init  int    // the init's pid in the agent's pid namespace
	pidfd int    // the init's pidfd, which tells when it has exited even before it is reaped
	// pidNS is the readlink of the init's /proc/PID/ns/pid, which tells the container's
	// processes apart in ListProcesses.
	pidNS string
}

// createContainer checks the request, starts the container's init and waits until the
// init has set up the container's root (or failed to).
func (a *Agent) createContainer(req *protocol.CreateContainerRequest) error {
	cfg, err := initConfigFor(req)
	if err != nil {
		return err
	}
	a.ctrMu.Lock()
	defer a.ctrMu.Unlock()
	if a.ctrs[req.ID] != nil {
		return hresult.Errorf(hresult.HCS_E_SYSTEM_ALREADY_EXISTS, "CreateContainer: container %q already exists", req.ID)
	}
	c := &container{id: req.ID, dir: filepath.Join(ContainersDir, req.ID), pidfd: -1}
	cfg.Rootfs = filepath.Join(c.dir, "rootfs")
	if err := os.MkdirAll(cfg.Rootfs, 0o700); err != nil {
		return hresult.Wrap(err, 0, "CreateContainer: create "+cfg.Rootfs)
	}
	if err := a.startInit(c, cfg); err != nil {
		c.remove()
		return err
	}
	a.ctrs[c.id] = c
	return nil
}

// initConfigFor validates a request and turns it into the init's configuration. Missing
// directories are refused here, where the message can name the field at fault.
func initConfigFor(req *protocol.CreateContainerRequest) (*initConfig, error) {
	if err := validID(req.ID); err != nil {
		return nil, err
	}
	if len(req.Layers) == 0 {
		return nil, hresult.New(hresult.E_INVALIDARG, "CreateContainer: Layers is empty")
	}
	cfg := &initConfig{Hostname: req.Hostname, Mapped: req.MappedDirectories}
	if cfg.Hostname == "" {
		cfg.Hostname = req.ID
	}
	if len(cfg.Hostname) > maxHostname {
		return nil, hresult.Errorf(hresult.E_INVALIDARG,
			"CreateContainer: host name %q: longer than %d bytes", cfg.Hostname, maxHostname)
	}
	if err := overlayDir(req.Scratch, "CreateContainer: Scratch"); err != nil {
		return nil, err
	}
	u, err := newUnion(req.Layers, req.Scratch, func(i int) string { return "CreateContainer: Layers[" + strconv.Itoa(i) + "]" },
		"CreateContainer: Scratch")
	if err != nil {
		return nil, err
	}
	cfg.Union = u
	for i, m := range req.MappedDirectories {
		name := "MappedDirectories[" + strconv.Itoa(i) + "]"
		if err := existingDir(m.HostPath, "CreateContainer: "+name+".HostPath"); err != nil {
			return nil, err
		}
		if !path.IsAbs(m.ContainerPath) || path.Clean(m.ContainerPath) == "/" {
			return nil, hresult.Errorf(hresult.E_INVALIDARG,
				"CreateContainer: %s.ContainerPath %q: not an absolute path below /", name, m.ContainerPath)
		}
	}
	return cfg, nil
}

// validID refuses IDs that are not a single, plain file name.
func validID(id string) error {
	if id == "" || id == "." || id == ".." || len(id) > 128 || strings.ContainsAny(id, "/\x00") {
		return hresult.Errorf(hresult.E_INVALIDARG, "CreateContainer: ID %q: expected 1-128 characters, no '/'", id)
	}
	return nil
}

// startInit starts the agent's binary again as the container's init, in new pid, mount, uts
// and ipc namespaces (the network namespace stays the agent's), sends it cfg and waits for
// its report. On success c describes the running init.
func (a *Agent) startInit(c *container, cfg *initConfig) error {
	cfgR, cfgW, err := os.Pipe()
	if err != nil {
		return hresult.Wrap(err, 0, "CreateContainer: pipe")
	}
	defer cfgR.Close()
	defer cfgW.Close()
	repR, repW, err := os.Pipe()
	if err != nil {
		return hresult.Wrap(err, 0, "CreateContainer: pipe")
	}
	defer repR.Close()
	pid, err := a.forkInit(c, cfgR, repW)
	repW.Close()
	if err != nil {
		return hresult.Wrap(err, 0, "CreateContainer: start the container's init")
	}
	c.init = pid
	json.NewEncoder(cfgW).Encode(cfg)
	cfgW.Close()
	if err := readReport(repR); err != nil {
		c.kill()
		return err
	}
	c.pidNS, _ = os.Readlink(filepath.Join("/proc", strconv.Itoa(pid), "ns", "pid"))
	return nil
}

// forkInit starts the init with cfg as its stdin and rep as its fd 3.
func (a *Agent) forkInit(c *container, cfg, rep *os.File) (int, error) {
	attr := &syscall.ProcAttr{
		Env:   []string{},
		Files: []uintptr{cfg.Fd(), os.Stderr.Fd(), os.Stderr.Fd(), rep.Fd()},
		Sys: &syscall.SysProcAttr{
			Setsid:     true,
			Cloneflags: syscall.CLONE_NEWPID | syscall.CLONE_NEWNS | syscall.CLONE_NEWUTS | syscall.CLONE_NEWIPC,
			PidFD:      &c.pidfd,
		},
	}
	return a.oom.fork(func() (int, error) {
		return syscall.ForkExec(selfExe, []string{containerInitName}, attr)
	})
}

// readReport reads what a helper process reports on its pipe: a protocol.Error when it
// failed, an empty object when it succeeded. End of file without a report means it died.
func readReport(r io.Reader) error {
	var rep struct {
		Error *protocol.Error `json:"Error,omitempty"`
		Pid   int             `json:"Pid,omitempty"`
	}
	if err := json.NewDecoder(r).Decode(&rep); err != nil {
		return hresult.New(hresult.E_FAIL, "the container's helper process exited without a report (see the agent's log)")
	}
	return rep.Error.Err()
}

// kill sends SIGKILL to the init, which makes the kernel kill every process of its pid
// namespace, and waits until it has exited. Its mount namespace, and with it every mount of
// the container, goes away with the last of those processes.
// The pidfd is closed once the init has exited, and kept for another try otherwise.
func (c *container) kill() error {
	if err := unix.PidfdSendSignal(c.pidfd, unix.SIGKILL, nil, 0); err != nil && err != unix.ESRCH {
		return hresult.Wrap(err, 0, "DeleteContainer: kill the container's init")
	}
	fds := []unix.PollFd{{Fd: int32(c.pidfd), Events: unix.POLLIN}}
	deadline := time.Now().Add(deleteTimeout)
	for time.Now().Before(deadline) {
		n, err := unix.Poll(fds, int(time.Until(deadline)/time.Millisecond)+1)
		if n > 0 {
			unix.Close(c.pidfd)
			c.pidfd = -1
			return nil
		}
		if err != nil && err != unix.EINTR {
			return hresult.Wrap(err, 0, "DeleteContainer: wait for the container's init")
		}
	}
	return hresult.Errorf(hresult.E_FAIL, "DeleteContainer: the init of %q has not exited %v after SIGKILL", c.id, deleteTimeout)
}

// remove deletes the container's directory. It never recurses: the rootfs directory is only
// a mount point, empty in the agent's mount namespace.
func (c *container) remove() {
	os.Remove(filepath.Join(c.dir, "rootfs"))
	os.Remove(c.dir)
}

// deleteContainer kills the container's processes and removes what the agent made for it.
func (a *Agent) deleteContainer(id string) error {
	a.ctrMu.Lock()
	defer a.ctrMu.Unlock()
	c := a.ctrs[id]
	if c == nil {
		return unknownContainer(id)
	}
	if err := c.kill(); err != nil {
		return err
	}
	delete(a.ctrs, id)
	c.remove()
	return nil
}

func unknownContainer(id string) error {
	return hresult.Errorf(hresult.HCS_E_SYSTEM_NOT_FOUND, "container %q does not exist", id)
}
