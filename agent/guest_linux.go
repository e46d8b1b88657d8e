package agent

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	"golang.org/x/sys/unix"

	"github.com/linuxhcs/hcs/agent/protocol"
)

// TransportVirtioSerial is the Config.Transport prefix of a virtio-serial port:
// "virtio-serial:NAME" serves the host over the port named NAME.
const TransportVirtioSerial = "virtio-serial:"

// ModulesFile lists, one path a line, the kernel modules the agent loads at start-up as a
// guest's init, in load order (dependencies first). The initrd builder writes it.
const ModulesFile = "/etc/hcs/modules"

// portWait bounds the wait for the agent's port to appear after the modules loaded.
const portWait = 30 * time.Second

// guestPort is the guest's end of the host connection: one open virtio-serial port that
// lasts for the agent's life (closing it would discard what the host already sent).
type guestPort struct {
	f *os.File
}

// guestTransport is how a guest's agent reaches the host.
type guestTransport interface {
	// serve runs sessions until the agent exits.
	serve(a *Agent)
}

// newGuestAgent prepares the agent of a VM guest: as pid 1 it first sets the guest up
// (file systems, modules, crash settings), then it opens its transport.
func newGuestAgent(a *Agent) (*Agent, error) {
	setProcessName("hcs-agent")
	if unix.Getpid() == 1 {
		guestInit(a)
	} else if err := unix.Prctl(unix.PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0); err != nil {
		return nil, fmt.Errorf("become child subreaper: %w", err)
	}
	var err error
	if name, ok := strings.CutPrefix(a.cfg.Transport, TransportVirtioSerial); ok && name != "" {
		a.guest, err = openPort(name)
	} else if port, ok := strings.CutPrefix(a.cfg.Transport, TransportVsock); ok {
		a.guest, err = listenVsock(port)
	} else {
		err = fmt.Errorf("transport %q: want %sNAME or %sPORT", a.cfg.Transport, TransportVirtioSerial, TransportVsock)
	}
	if err != nil {
		return nil, err
	}
	return a, nil
}

// guestInit mounts the kernel file systems, loads the modules of ModulesFile and makes a
// non-maskable interrupt panic the guest (HcsCrashComputeSystem injects one). Failures are
// logged: a guest with less is still better than no agent.
func guestInit(a *Agent) {
	mounts := []struct{ src, dir, fstype, data string }{
		{"proc", "/proc", "proc", ""},
		{"sysfs", "/sys", "sysfs", ""},
		{"devtmpfs", "/dev", "devtmpfs", "mode=0755"},
		{"devpts", "/dev/pts", "devpts", "mode=0620,ptmxmode=0666"},
		{"tmpfs", "/dev/shm", "tmpfs", "mode=1777"},
		{"tmpfs", "/run", "tmpfs", "mode=0755"},
	}
	for _, m := range mounts {
		os.MkdirAll(m.dir, 0o755)
		if err := unix.Mount(m.src, m.dir, m.fstype, unix.MS_NOSUID, m.data); err != nil && !errors.Is(err, unix.EBUSY) {
			a.log.Printf("mount %s: %v", m.dir, err)
		}
	}
	loadModules(a)
	for key, val := range map[string]string{"kernel/unknown_nmi_panic": "1", "kernel/panic_on_oops": "1"} {
		if err := os.WriteFile("/proc/sys/"+key, []byte(val), 0); err != nil {
			a.log.Printf("sysctl %s: %v", key, err)
		}
	}
}

// loadModules loads every module ModulesFile names; one already loaded is fine.
func loadModules(a *Agent) {
	f, err := os.Open(ModulesFile)
	if err != nil {
		return
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		path := strings.TrimSpace(sc.Text())
		if path == "" || strings.HasPrefix(path, "#") {
			continue
		}
		if err := loadModule(path); err != nil {
			a.log.Printf("load module %s: %v", path, err)
		}
	}
}

func loadModule(path string) error {
	fd, err := unix.Open(path, unix.O_RDONLY|unix.O_CLOEXEC, 0)
	if err != nil {
		return err
	}
	defer unix.Close(fd)
	if err := unix.FinitModule(fd, "", 0); err != nil && !errors.Is(err, unix.EEXIST) {
		return err
	}
	return nil
}

// openPort finds the virtio-serial port called name and opens it, non-blocking, so that
// its reads and writes honour deadlines.
func openPort(name string) (*guestPort, error) {
	deadline := time.Now().Add(portWait)
	for {
		dev, err := findPort(name)
		if err == nil {
			fd, err := unix.Open(dev, unix.O_RDWR|unix.O_NONBLOCK|unix.O_CLOEXEC|unix.O_NOCTTY, 0)
			if err != nil {
				return nil, fmt.Errorf("open %s: %w", dev, err)
			}
			return &guestPort{f: os.NewFile(uintptr(fd), dev)}, nil
		}
		if time.Now().After(deadline) {
			return nil, err
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// findPort returns the device node of the port called name.
func findPort(name string) (string, error) {
	dirs, _ := filepath.Glob("/sys/class/virtio-ports/*")
	for _, d := range dirs {
		b, err := os.ReadFile(filepath.Join(d, "name"))
		if err == nil && strings.TrimSpace(string(b)) == name {
			return "/dev/" + filepath.Base(d), nil
		}
	}
	return "", fmt.Errorf("no virtio-serial port named %q", name)
}

// serve runs one session after another on the port: each starts when the host is
// connected and both sides exchanged SyncPreamble, and ends when the host disconnects or
// starts a new session.
func (p *guestPort) serve(a *Agent) {
	ctx, cancel := context.WithCancel(context.Background())
	go func() {
		<-a.exit
		cancel()
	}()
	for seq := uint64(1); ctx.Err() == nil; seq++ {
		if !p.waitHost(ctx) {
			return
		}
		p.f.SetDeadline(time.Time{})
		if err := protocol.StartStreamSession(ctx, p.f); err != nil {
			time.Sleep(20 * time.Millisecond) // the host went away before its preamble
			continue
		}
		conn := protocol.NewStreamConn(p.f, p.interrupt)
		a.serveConn(conn, seq, func() {})
	}
}

// waitHost waits until the host side of the port is connected (poll stops reporting
// POLLHUP) or ctx ends.
func (p *guestPort) waitHost(ctx context.Context) bool {
	rc, err := p.f.SyscallConn()
	if err != nil {
		return false
	}
	for ctx.Err() == nil {
		var revents int16
		rc.Control(func(fd uintptr) {
			fds := []unix.PollFd{{Fd: int32(fd), Events: unix.POLLIN}}
			unix.Poll(fds, 0)
			revents = fds[0].Revents
		})
		if revents&unix.POLLHUP == 0 {
			return true
		}
		time.Sleep(20 * time.Millisecond)
	}
	return false
}

// interrupt ends a session without closing the port: blocked reads and writes return.
func (p *guestPort) interrupt() error {
	return p.f.SetDeadline(time.Unix(1, 0))
}

// powerOff turns the guest off once the agent, its init, is done (an init must never
// exit). Outside a guest's pid 1 it does nothing.
func (a *Agent) powerOff() {
	if unix.Getpid() != 1 {
		return
	}
	unix.Sync()
	if err := unix.Reboot(unix.LINUX_REBOOT_CMD_POWER_OFF); err != nil {
		a.log.Printf("power off: %v", err)
	}
	select {}
}
