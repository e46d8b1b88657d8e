package drivertest

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"testing"
	"time"

	"golang.org/x/sys/unix"

	"github.com/linuxhcs/hcs/driver"
)

// testConsole: a process with a console sees the size set on the pty master after it
// started.
func testConsole(t *testing.T, cfg *Config) {
	s := start(t, cfg)
	master, slave := openPTY(t)
	params := s.shellParams("read line; stty size")
	params.EmulateConsole = true
	var p driver.Process
	err := cfg.call("CreateProcess", func(ctx context.Context) error {
		var err error
		p, err = s.sys.CreateProcess(ctx, s.processRequest(params, driver.Stdio{Console: slave}))
		return err
	})
	slave.Close()
	if err != nil {
		t.Fatalf("CreateProcess with a console: %v", err)
	}
	if err := setWinsize(master, 33, 97); err != nil {
		t.Fatal(err)
	}
	if _, err := master.Write([]byte("go\n")); err != nil {
		t.Fatalf("writing to the console: %v", err)
	}
	out, err := readUntil(master, []byte("33 97"), time.Now().Add(cfg.timeout()))
	if err != nil {
		t.Errorf("console output %q: %v", out, err)
	}
	s.expectExitCode(p.Pid(), 0)
}

// openPTY opens a pty pair with /dev/ptmx. The master is non-blocking so that reads can
// time out; the slave is blocking, as a process expects of its terminal.
func openPTY(t *testing.T) (master, slave *os.File) {
	t.Helper()
	mfd, err := unix.Open("/dev/ptmx", unix.O_RDWR|unix.O_NOCTTY|unix.O_CLOEXEC|unix.O_NONBLOCK, 0)
	if err != nil {
		t.Fatalf("open /dev/ptmx: %v", err)
	}
	master = os.NewFile(uintptr(mfd), "/dev/ptmx")
	t.Cleanup(func() { master.Close() })
	if err := unix.IoctlSetPointerInt(mfd, unix.TIOCSPTLCK, 0); err != nil {
		t.Fatalf("unlock pty: %v", err)
	}
	n, err := unix.IoctlGetInt(mfd, unix.TIOCGPTN)
	if err != nil {
		t.Fatalf("pty number: %v", err)
	}
	name := fmt.Sprintf("/dev/pts/%d", n)
	sfd, err := unix.Open(name, unix.O_RDWR|unix.O_NOCTTY|unix.O_CLOEXEC, 0)
	if err != nil {
		t.Fatalf("open %s: %v", name, err)
	}
	slave = os.NewFile(uintptr(sfd), name)
	t.Cleanup(func() { slave.Close() })
	return master, slave
}

// setWinsize sets the console size on the pty master.
func setWinsize(master *os.File, rows, cols uint16) error {
	rc, err := master.SyscallConn()
	if err != nil {
		return err
	}
	var ioErr error
	err = rc.Control(func(fd uintptr) {
		ioErr = unix.IoctlSetWinsize(int(fd), unix.TIOCSWINSZ, &unix.Winsize{Row: rows, Col: cols})
	})
	return errors.Join(err, ioErr)
}

// readUntil reads from the pty master until the output contains want, the deadline
// passes or the slave side is closed everywhere (EIO).
func readUntil(master *os.File, want []byte, deadline time.Time) ([]byte, error) {
	if err := master.SetReadDeadline(deadline); err != nil {
		return nil, err
	}
	var out []byte
	buf := make([]byte, 4096)
	for !bytes.Contains(out, want) {
		n, err := master.Read(buf)
		out = append(out, buf[:n]...)
		if err != nil {
			return out, fmt.Errorf("want %q: %w", want, err)
		}
	}
	return out, nil
}
