// Command seccompprobe runs inside a smoke-test container and prints, one "name=result" a line,
// whether each operation the agent needs works ("ok") and how each operation the default
// seccomp profile must refuse fails (the errno's text).
package main

import (
	"errors"
	"fmt"
	"net"
	"os"
	"os/exec"
	"os/signal"
	"syscall"
	"time"
)

// Linux x86-64 numbers of calls the syscall package does not name.
const (
	sysClone3       = 435
	sysIOUringSetup = 425
	afALG           = 38
	afVSOCK         = 40
	prSetSubreaper  = 36
)

func main() {
	report("exec", exec.Command("/bin/true").Run())
	report("exec-setsid", run(&syscall.SysProcAttr{Setsid: true}))
	report("exec-as-user", run(&syscall.SysProcAttr{Credential: &syscall.Credential{Uid: 1000, Gid: 1000, Groups: []uint32{1000}}}))
	report("unix-socket", unixRoundTrip())
	report("subreaper", rawErr(syscall.SYS_PRCTL, prSetSubreaper, 1))
	report("signal", selfSignal())
	report("vsock", socketErr(afVSOCK))
	report("alg", socketErr(afALG))
	report("unshare-user", syscall.Unshare(syscall.CLONE_NEWUSER))
	report("ptrace", rawErr(syscall.SYS_PTRACE, 0, 0))
	report("mount", syscall.Mount("tmpfs", "/tmp", "tmpfs", 0, ""))
	report("clone3", rawErr(sysClone3, 0, 0))
	report("io_uring", rawErr(sysIOUringSetup, 0, 0))
}

// report prints name=ok or name=<error text>.
func report(name string, err error) {
	if err == nil {
		fmt.Printf("%s=ok\n", name)
		return
	}
	fmt.Printf("%s=%v\n", name, err)
}

// run starts /bin/true with the attributes.
func run(attr *syscall.SysProcAttr) error {
	cmd := exec.Command("/bin/true")
	cmd.SysProcAttr = attr
	return cmd.Run()
}

// rawErr makes a system call and returns its errno, or nil.
func rawErr(trap, a1, a2 uintptr) error {
	if _, _, e := syscall.RawSyscall(trap, a1, a2, 0); e != 0 {
		return e
	}
	return nil
}

// socketErr tries to make a socket of the family.
func socketErr(family int) error {
	fd, err := syscall.Socket(family, syscall.SOCK_SEQPACKET, 0)
	if err == nil {
		syscall.Close(fd)
	}
	return err
}

// unixRoundTrip sends a byte over a unix socket to itself.
func unixRoundTrip() error {
	path := fmt.Sprintf("/tmp/probe-%d.sock", os.Getpid())
	l, err := net.Listen("unix", path)
	if err != nil {
		return err
	}
	defer l.Close()
	go func() {
		if c, err := l.Accept(); err == nil {
			c.Write([]byte("x"))
			c.Close()
		}
	}()
	c, err := net.Dial("unix", path)
	if err != nil {
		return err
	}
	defer c.Close()
	_, err = c.Read(make([]byte, 1))
	return err
}

// selfSignal delivers SIGUSR1 to the process and waits for it.
func selfSignal() error {
	ch := make(chan os.Signal, 1)
	signal.Notify(ch, syscall.SIGUSR1)
	if err := syscall.Kill(os.Getpid(), syscall.SIGUSR1); err != nil {
		return err
	}
	select {
	case <-ch:
		return nil
	case <-time.After(5 * time.Second):
		return errors.New("not delivered")
	}
}
