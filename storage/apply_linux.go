package storage

import (
	"archive/tar"
	"fmt"
	"io"
	"strings"

	"golang.org/x/sys/unix"
)

// applier writes the entries of a layer in transport form into a staging directory in
// overlay form. Every file is created relative to an open directory descriptor found with
// openat2 (see inRoot); the last component of a name is never followed.
type applier struct {
	root         int    // the staging directory
	where        string // names the source in messages ("layer.tar", "source folder")
	allowDevices bool
	q            quota
	cacheDir     string // the parent directory last opened, and its descriptor
	cacheFd      int
	dirs         []dirTime // directory times, set once every entry is in place
	buf          []byte    // the copy buffer
}

// dirTime is the time of a directory named by its path below the root.
type dirTime struct {
	path string
	ts   []unix.Timespec
}

// newApplier returns an applier writing below the directory fd root.
func newApplier(root int, where string, opts ImportOptions) *applier {
	return &applier{root: root, where: where, allowDevices: opts.AllowDevices,
		q: quota{lim: opts.Limits.withDefaults()}, cacheFd: -1}
}

// fail returns the HCS_E_INVALID_LAYER error for the entry name.
func (a *applier) fail(name, format string, args ...any) error {
	return invalidLayer(a.where+": entry "+quote(name), format, args...)
}

// sysFail converts a failed system call on the entry name into an error.
func (a *applier) sysFail(name, op string, err error) error {
	switch {
	case isErrno(err, unix.ELOOP):
		return a.fail(name, "%s: the path goes through a symbolic link", op)
	case isErrno(err, unix.ENOTDIR):
		return a.fail(name, "%s: a parent of the entry is a symbolic link or not a directory", op)
	case isErrno(err, unix.EXDEV, unix.ENAMETOOLONG, unix.EINVAL):
		return a.fail(name, "%s: %v", op, err)
	}
	return sysError(err, a.where+": entry "+quote(name)+": "+op)
}

// apply writes one entry. body is read for regular files only.
func (a *applier) apply(h *tar.Header, body io.Reader) error {
	if err := a.q.entry(); err != nil {
		return a.fail(h.Name, "%v", err)
	}
	if h.Typeflag == tar.TypeXGlobalHeader {
		return nil // global PAX records: nothing to create
	}
	comps, kind, target, err := a.classify(h)
	if err != nil || comps == nil {
		return err
	}
	dir, base := comps[:len(comps)-1], comps[len(comps)-1]
	if kind == whiteoutOpaque {
		return a.opaque(h, dir)
	}
	parent, err := a.parent(h.Name, dir)
	if err != nil {
		return err
	}
	if kind == whiteoutFile {
		return a.node(h, tar.TypeChar, parent, target, unix.S_IFCHR, 0)
	}
	return a.create(h, body, parent, strings.Join(comps, "/"), base)
}

// classify splits the entry's name and says whether it is a whiteout (and of what). It
// returns nil components for entries that create nothing: the layer root and aufs
// metadata.
func (a *applier) classify(h *tar.Header) ([]string, whiteoutKind, string, error) {
	comps, err := splitName(h.Name)
	if err != nil {
		return nil, 0, "", a.fail(h.Name, "%v", err)
	}
	if len(comps) == 0 {
		return nil, 0, "", nil // the layer root: its directory belongs to the host
	}
	for _, c := range comps[:len(comps)-1] {
		switch kind, _, _ := parseWhiteout(c); kind {
		case whiteoutMeta:
			return nil, 0, "", nil // inside aufs metadata
		case whiteoutFile, whiteoutOpaque:
			return nil, 0, "", a.fail(h.Name, "a whiteout cannot be a directory")
		}
	}
	if err := checkHeader(h); err != nil {
		return nil, 0, "", a.fail(h.Name, "%v", err)
	}
	kind, target, err := parseWhiteout(comps[len(comps)-1])
	switch {
	case err != nil:
		return nil, 0, "", a.fail(h.Name, "%v", err)
	case kind == whiteoutMeta:
		return nil, 0, "", nil
	case kind != notWhiteout && h.Typeflag == tar.TypeDir:
		return nil, 0, "", a.fail(h.Name, "a whiteout must not be a directory")
	}
	return comps, kind, target, nil
}

// create makes the entry base (at path below the root) in the directory parent.
func (a *applier) create(h *tar.Header, body io.Reader, parent int, path, base string) error {
	switch h.Typeflag {
	case tar.TypeReg, tar.TypeRegA, tar.TypeCont, tar.TypeGNUSparse:
		return a.file(h, parent, base, body)
	case tar.TypeDir:
		return a.dir(h, parent, path, base)
	case tar.TypeSymlink:
		return a.symlink(h, parent, base)
	case tar.TypeLink:
		return a.hardlink(h, parent, path, base)
	case tar.TypeChar, tar.TypeBlock:
		return a.device(h, parent, base)
	case tar.TypeFifo:
		return a.node(h, tar.TypeFifo, parent, base, unix.S_IFIFO, 0)
	}
	return a.fail(h.Name, "unsupported entry type %q", h.Typeflag)
}

// checkHeader refuses owner ids and device numbers Linux cannot store as given (an id of
// 2^32-1 means "unchanged" to chown; larger device numbers would be cut to another device).
func checkHeader(h *tar.Header) error {
	if h.Uid < 0 || h.Uid >= 1<<32-1 || h.Gid < 0 || h.Gid >= 1<<32-1 {
		return fmt.Errorf("owner %d:%d is out of range", h.Uid, h.Gid)
	}
	if h.Typeflag == tar.TypeChar || h.Typeflag == tar.TypeBlock {
		if h.Devmajor < 0 || h.Devmajor > 0xfff || h.Devminor < 0 || h.Devminor > 0xfffff {
			return fmt.Errorf("device number %d:%d is out of range", h.Devmajor, h.Devminor)
		}
	}
	return nil
}

// parent returns a descriptor of the directory dir, creating missing directories. The
// descriptor stays owned by the applier.
func (a *applier) parent(name string, dir []string) (int, error) {
	path := strings.Join(dir, "/")
	if a.cacheFd >= 0 && a.cacheDir == path {
		return a.cacheFd, nil
	}
	a.dropCache()
	fd, err := mkdirAllIn(a.root, dir)
	if err != nil {
		return -1, a.sysFail(name, "opening its directory", err)
	}
	a.cacheDir, a.cacheFd = path, fd
	return fd, nil
}

// dropCache closes the cached parent directory.
func (a *applier) dropCache() {
	if a.cacheFd >= 0 {
		unix.Close(a.cacheFd)
	}
	a.cacheFd, a.cacheDir = -1, ""
}

// close releases the applier's descriptors.
func (a *applier) close() { a.dropCache() }

// replace removes whatever is at base in parent, so that the entry can take its place (the
// last entry of a name wins, as with tar). The cached directory is parent itself, which
// stays valid.
func (a *applier) replace(name string, parent int, base string) error {
	var st unix.Stat_t
	if err := unix.Fstatat(parent, base, &st, unix.AT_SYMLINK_NOFOLLOW); err != nil {
		if err == unix.ENOENT {
			return nil
		}
		return a.sysFail(name, "replacing the existing entry", err)
	}
	if err := removeAllAt(parent, base); err != nil {
		return a.sysFail(name, "replacing the existing entry", err)
	}
	return nil
}

// finish sets the directory times, deepest first, once every entry is written.
func (a *applier) finish() error {
	a.dropCache()
	for i := len(a.dirs) - 1; i >= 0; i-- {
		d := a.dirs[i]
		fd, err := openIn(a.root, d.path, unix.O_DIRECTORY|unix.O_RDONLY)
		if err != nil {
			continue // replaced by a later entry
		}
		err = unix.UtimesNanoAt(fd, "", d.ts, unix.AT_EMPTY_PATH)
		unix.Close(fd)
		if err != nil {
			return a.sysFail(d.path, "setting its times", err)
		}
	}
	return nil
}
