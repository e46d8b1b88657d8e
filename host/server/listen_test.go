package server

import (
	"net"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
)

func TestListenSocketModeAndOwner(t *testing.T) {
	path := filepath.Join(t.TempDir(), "run", "hcsd.sock")
	l, err := Listen(path, ListenOptions{GID: ownGID()})
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	fi, err := os.Lstat(path)
	if err != nil {
		t.Fatal(err)
	}
	st := fi.Sys().(*syscall.Stat_t)
	if fi.Mode().Type() != os.ModeSocket || fi.Mode().Perm() != 0o660 || int(st.Uid) != os.Geteuid() {
		t.Fatalf("socket %v owned by %d", fi.Mode(), st.Uid)
	}
	if st.Gid != ownGID() {
		t.Fatalf("socket group %d, want %d", st.Gid, ownGID())
	}
	dir, _ := os.Stat(filepath.Dir(path))
	if dir.Mode().Perm()&0o022 != 0 {
		t.Fatalf("socket directory mode %v", dir.Mode())
	}
	entries, _ := os.ReadDir(filepath.Dir(path))
	if len(entries) != 2 { // the socket and its lock, no leftover bind directory
		t.Fatalf("directory holds %d entries", len(entries))
	}
	l.Close()
	if _, err := os.Lstat(path); !os.IsNotExist(err) {
		t.Fatalf("socket file still there after Close: %v", err)
	}
}

func TestListenRefusesARunningService(t *testing.T) {
	path := filepath.Join(t.TempDir(), "hcsd.sock")
	l, err := Listen(path, ListenOptions{GID: uint32(os.Getegid())})
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	if _, err := Listen(path, ListenOptions{}); err == nil || !strings.Contains(err.Error(), "another hcsd is running") {
		t.Fatalf("second Listen = %v", err)
	}
}

func TestListenRefusesAForeignListener(t *testing.T) {
	path := filepath.Join(t.TempDir(), "hcsd.sock")
	other, err := net.Listen("unix", path) // answers, but holds no lock
	if err != nil {
		t.Fatal(err)
	}
	defer other.Close()
	if _, err := Listen(path, ListenOptions{}); err == nil || !strings.Contains(err.Error(), "answers on") {
		t.Fatalf("Listen over a live socket = %v", err)
	}
}

func TestListenReplacesAStaleSocket(t *testing.T) {
	path := filepath.Join(t.TempDir(), "hcsd.sock")
	dead, err := net.ListenUnix("unix", &net.UnixAddr{Name: path, Net: "unix"})
	if err != nil {
		t.Fatal(err)
	}
	dead.SetUnlinkOnClose(false)
	dead.Close() // a service that died: its socket file remains
	l, err := Listen(path, ListenOptions{GID: uint32(os.Getegid())})
	if err != nil {
		t.Fatalf("Listen over a stale socket: %v", err)
	}
	l.Close()
}

func TestListenLeavesOtherFilesAlone(t *testing.T) {
	path := filepath.Join(t.TempDir(), "hcsd.sock")
	os.WriteFile(path, []byte("precious"), 0o644)
	if _, err := Listen(path, ListenOptions{}); err == nil || !strings.Contains(err.Error(), "not a socket") {
		t.Fatalf("Listen over a regular file = %v", err)
	}
	if b, _ := os.ReadFile(path); string(b) != "precious" {
		t.Fatal("the file was replaced")
	}
}

func TestListenChecksTheDirectory(t *testing.T) {
	open := filepath.Join(t.TempDir(), "open")
	os.Mkdir(open, 0o777)
	os.Chmod(open, 0o777)
	if _, err := Listen(filepath.Join(open, "hcsd.sock"), ListenOptions{}); err == nil || !strings.Contains(err.Error(), "writable") {
		t.Fatalf("Listen in a world-writable directory = %v", err)
	}
	real := filepath.Join(t.TempDir(), "real")
	os.Mkdir(real, 0o755)
	link := filepath.Join(t.TempDir(), "link")
	os.Symlink(real, link)
	if _, err := Listen(filepath.Join(link, "hcsd.sock"), ListenOptions{}); err == nil || !strings.Contains(err.Error(), "not a directory") {
		t.Fatalf("Listen through a symlinked directory = %v", err)
	}
}

// ownGID is a group the test may give the socket: any as root, its own group otherwise.
func ownGID() uint32 {
	if os.Geteuid() == 0 {
		return 4321
	}
	return uint32(os.Getgid())
}
