package storage

import (
	"errors"
	"path/filepath"
	"strings"

	"golang.org/x/sys/unix"
)

// A staging directory (".BASE.hcs-staging-XXXXXXXX", see stage) is locked with flock by the
// process filling it for as long as it fills it. A crash drops the lock and leaves the
// directory: one that can be locked is a leftover, and the next layer created at the same
// path removes it (sweepLeftovers), as does a service that recorded it (SweepStaging).

// stagingWhat is the part of a staging directory's name that says what it is.
const stagingWhat = "staging"

// newStaging creates a staging directory for base in the directory pfd, locked, and returns
// its name and an open descriptor of it. A sweep by another process may take the new
// directory for a leftover between its creation and its lock; it is then made again.
func newStaging(pfd int, base string) (string, int, error) {
	for attempt := 0; ; attempt++ {
		name := hiddenName(base, stagingWhat)
		if err := unix.Mkdirat(pfd, name, 0o700); err != nil {
			return "", -1, err
		}
		fd, err := lockedStaging(pfd, name)
		if err == nil || attempt == 2 {
			return name, fd, err
		}
	}
}

// lockedStaging opens and locks the staging directory name, and checks that name still is
// that directory (a sweep removes a directory under its lock).
func lockedStaging(pfd int, name string) (int, error) {
	fd, err := openIn(pfd, name, unix.O_DIRECTORY|unix.O_RDONLY)
	if err != nil {
		return -1, err
	}
	if err := flock(fd, unix.LOCK_EX); err != nil {
		unix.Close(fd)
		return -1, err
	}
	var byName, byFd unix.Stat_t
	err = unix.Fstatat(pfd, name, &byName, unix.AT_SYMLINK_NOFOLLOW)
	if err == nil {
		err = unix.Fstat(fd, &byFd)
	}
	if err == nil && (byName.Dev != byFd.Dev || byName.Ino != byFd.Ino) {
		err = unix.ENOENT
	}
	if err != nil {
		unix.Close(fd)
		return -1, err
	}
	return fd, nil
}

// flock is unix.Flock, retried when a signal interrupts a wait.
func flock(fd, how int) error {
	for {
		if err := unix.Flock(fd, how); err != unix.EINTR {
			return err
		}
	}
}

// sweepLeftovers removes the staging directories of base in the directory pfd that no
// process holds. It is best effort: a leftover it cannot remove stays for the next sweep and
// does not stop the new layer.
func sweepLeftovers(pfd int, base string) {
	names, err := readNames(pfd)
	if err != nil {
		return
	}
	for _, n := range names {
		if isStagingName(n, base) {
			removeLeftover(pfd, n)
		}
	}
}

// sweepReporting is sweepLeftovers that says which directories it removed, whether a
// process holds one, and why it could not remove others; parent is pfd's path, for the
// messages.
func sweepReporting(pfd int, parent, base string) (removed []string, held bool, err error) {
	names, err := readNames(pfd)
	if err != nil {
		return nil, false, sysError(err, "reading "+parent)
	}
	var errs []error
	for _, n := range names {
		if !isStagingName(n, base) {
			continue
		}
		path := filepath.Join(parent, n)
		if gone, err := removeLeftover(pfd, n); err != nil {
			errs = append(errs, sysError(err, "removing the staging folder "+path))
		} else if gone {
			removed = append(removed, path)
		} else {
			held = true
		}
	}
	return removed, held, errors.Join(errs...)
}

// isStagingName reports whether name is the name hiddenName gives the staging directories
// of base.
func isStagingName(name, base string) bool {
	prefix := hiddenPrefix(base, stagingWhat)
	suffix, ok := strings.CutPrefix(name, prefix)
	return ok && isSuffix(suffix)
}

// isSuffix reports whether s is what randomSuffix returns: 8 lower-case hex digits.
func isSuffix(s string) bool {
	if len(s) != 8 {
		return false
	}
	for _, c := range s {
		if !(c >= '0' && c <= '9' || c >= 'a' && c <= 'f') {
			return false
		}
	}
	return true
}

// removeLeftover removes the staging directory name in the directory pfd unless a process
// holds it; it reports whether the directory is gone.
func removeLeftover(pfd int, name string) (bool, error) {
	fd, err := openIn(pfd, name, unix.O_DIRECTORY|unix.O_RDONLY)
	if err == unix.ENOENT {
		return true, nil
	}
	if err != nil {
		return false, err
	}
	defer unix.Close(fd) // drops the lock once the directory is gone
	if err := flock(fd, unix.LOCK_EX|unix.LOCK_NB); err == unix.EWOULDBLOCK {
		return false, nil
	} else if err != nil {
		return false, err
	}
	if err := removeAllAt(pfd, name); err != nil {
		return false, err
	}
	return true, nil
}
