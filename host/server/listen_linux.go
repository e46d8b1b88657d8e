package server

import (
	"errors"
	"fmt"
	"io/fs"
	"net"
	"os"
	"path/filepath"
	"syscall"
	"time"

	"golang.org/x/sys/unix"
)

// ListenOptions configures Listen.
type ListenOptions struct {
	// GID is the group that owns the socket file; its members may connect (with Mode 0660).
	GID uint32
	// Mode is the socket file's mode; zero means 0660.
	Mode os.FileMode
}

// Listener is hcsd's listening socket together with the lock that makes it the only one on
// its path.
type Listener struct {
	*net.UnixListener
	path string
	lock *os.File
}

// Listen creates the service socket at path. The directory is created root-owned 0755 if
// missing, and must belong to this process's user and be writable by no one else. A lock file
// next to the socket (path + ".lock") makes the listener exclusive: Listen fails with a clear
// error when another hcsd holds it or answers on path, and otherwise removes a stale socket
// file left by a service that died. The socket is bound in a private directory, given its
// owner and mode there, and then renamed into place, so it is never reachable with other
// permissions. Abstract sockets are never used.
func Listen(path string, opts ListenOptions) (*Listener, error) {
	if opts.Mode == 0 {
		opts.Mode = 0o660
	}
	path = filepath.Clean(path)
	if err := checkDir(filepath.Dir(path)); err != nil {
		return nil, err
	}
	lock, err := lockFile(path + ".lock")
	if err != nil {
		return nil, err
	}
	l, err := listen(path, opts)
	if err != nil {
		lock.Close()
		return nil, err
	}
	return &Listener{UnixListener: l, path: path, lock: lock}, nil
}

// Close stops listening, removes the socket file and releases the lock.
func (l *Listener) Close() error {
	err := l.UnixListener.Close()
	if errors.Is(err, net.ErrClosed) {
		err = nil
	}
	if rerr := os.Remove(l.path); rerr != nil && !errors.Is(rerr, fs.ErrNotExist) && err == nil {
		err = rerr
	}
	l.lock.Close()
	return err
}

// checkDir makes sure dir exists, is a real directory owned by this user, and is writable by
// no one else.
func checkDir(dir string) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return fmt.Errorf("socket directory: %w", err)
	}
	var st unix.Stat_t
	if err := unix.Lstat(dir, &st); err != nil {
		return fmt.Errorf("socket directory: %w", err)
	}
	switch {
	case st.Mode&unix.S_IFMT != unix.S_IFDIR:
		return fmt.Errorf("socket directory %s is not a directory", dir)
	case int(st.Uid) != os.Geteuid():
		return fmt.Errorf("socket directory %s is owned by uid %d, not by this service (uid %d)", dir, st.Uid, os.Geteuid())
	case st.Mode&0o022 != 0:
		return fmt.Errorf("socket directory %s is writable by group or others (mode %04o)", dir, st.Mode&0o7777)
	}
	return nil
}

// lockFile takes an exclusive lock on path, held as long as the returned file is open.
func lockFile(path string) (*os.File, error) {
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE|unix.O_NOFOLLOW, 0o600)
	if err != nil {
		return nil, fmt.Errorf("socket lock: %w", err)
	}
	if err := unix.Flock(int(f.Fd()), unix.LOCK_EX|unix.LOCK_NB); err != nil {
		f.Close()
		if errors.Is(err, unix.EWOULDBLOCK) {
			return nil, fmt.Errorf("another hcsd is running: it holds %s", path)
		}
		return nil, fmt.Errorf("socket lock %s: %w", path, err)
	}
	return f, nil
}

// listen removes a stale socket at path and binds a new one there.
func listen(path string, opts ListenOptions) (*net.UnixListener, error) {
	if err := removeStale(path); err != nil {
		return nil, err
	}
	tmp, err := os.MkdirTemp(filepath.Dir(path), ".bind-")
	if err != nil {
		return nil, fmt.Errorf("socket: %w", err)
	}
	defer os.RemoveAll(tmp)
	bound := filepath.Join(tmp, "s")
	l, err := net.ListenUnix("unix", &net.UnixAddr{Name: bound, Net: "unix"})
	if err != nil {
		return nil, fmt.Errorf("socket: %w", err)
	}
	l.SetUnlinkOnClose(false) // Listener.Close removes the final path
	err = os.Chown(bound, os.Geteuid(), int(opts.GID))
	if err == nil {
		err = os.Chmod(bound, opts.Mode)
	}
	if err == nil {
		err = os.Rename(bound, path)
	}
	if err != nil {
		l.Close()
		return nil, fmt.Errorf("socket %s: %w", path, err)
	}
	return l, nil
}

// removeStale removes a socket file at path that no service answers on. Anything else at
// path is left alone and reported.
func removeStale(path string) error {
	fi, err := os.Lstat(path)
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("socket %s: %w", path, err)
	}
	if fi.Mode().Type() != fs.ModeSocket {
		return fmt.Errorf("%s exists and is not a socket; not replacing it", path)
	}
	c, err := net.DialTimeout("unix", path, time.Second)
	if err == nil {
		c.Close()
		return fmt.Errorf("another compute service answers on %s", path)
	}
	if !errors.Is(err, syscall.ECONNREFUSED) {
		return fmt.Errorf("socket %s: checking for a running service: %w", path, err)
	}
	if err := os.Remove(path); err != nil {
		return fmt.Errorf("removing the stale socket %s: %w", path, err)
	}
	return nil
}
