package storage

import (
	"archive/tar"
	"io"
	"strings"

	"golang.org/x/sys/unix"
)

// file writes a regular file with the data read from body.
func (a *applier) file(h *tar.Header, parent int, base string, body io.Reader) error {
	if err := a.q.data(h.Size); err != nil {
		return a.fail(h.Name, "%v", err)
	}
	const flags = unix.O_WRONLY | unix.O_CREAT | unix.O_EXCL | unix.O_NOFOLLOW | unix.O_CLOEXEC
	fd, err := unix.Openat(parent, base, flags, 0o600)
	if err == unix.EEXIST {
		if err := a.replace(h.Name, parent, base); err != nil {
			return err
		}
		fd, err = unix.Openat(parent, base, flags, 0o600)
	}
	if err != nil {
		return a.sysFail(h.Name, "creating the file", err)
	}
	defer unix.Close(fd)
	if err := a.copyData(h, fd, body); err != nil {
		return err
	}
	return a.meta(h, h.Typeflag, fd, parent, base)
}

// copyData copies the entry's data to fd, leaving holes where the data is zero.
func (a *applier) copyData(h *tar.Header, fd int, body io.Reader) error {
	if a.buf == nil {
		a.buf = make([]byte, 128<<10)
	}
	n, end, werr, rerr := copySparse(fd, body, h.Size, a.buf)
	switch {
	case werr != nil:
		return a.sysFail(h.Name, "writing the file", werr)
	case rerr != nil:
		return a.fail(h.Name, "reading its data: %v", rerr)
	case n != h.Size:
		return a.fail(h.Name, "the data ends after %d of the %d bytes its header gives", n, h.Size)
	}
	if end < h.Size { // the file ends in a hole
		if err := unix.Ftruncate(fd, h.Size); err != nil {
			return a.sysFail(h.Name, "writing the file", err)
		}
	}
	return nil
}

// dir creates a directory, or keeps the one already there and updates its metadata.
func (a *applier) dir(h *tar.Header, parent int, path, base string) error {
	var st unix.Stat_t
	err := unix.Fstatat(parent, base, &st, unix.AT_SYMLINK_NOFOLLOW)
	if err == nil && st.Mode&unix.S_IFMT != unix.S_IFDIR {
		if err := a.replace(h.Name, parent, base); err != nil {
			return err
		}
		err = unix.ENOENT
	}
	if err == unix.ENOENT {
		err = unix.Mkdirat(parent, base, 0o700)
	}
	if err != nil {
		return a.sysFail(h.Name, "creating the directory", err)
	}
	fd, err := openIn(parent, base, unix.O_DIRECTORY|unix.O_RDONLY)
	if err != nil {
		return a.sysFail(h.Name, "opening the directory", err)
	}
	defer unix.Close(fd)
	a.dirs = append(a.dirs, dirTime{path: path, ts: times(h)})
	return a.meta(h, h.Typeflag, fd, parent, base)
}

// symlink creates a symbolic link. Its target is data: it is never followed here.
func (a *applier) symlink(h *tar.Header, parent int, base string) error {
	if h.Linkname == "" || len(h.Linkname) >= maxNameLen || strings.IndexByte(h.Linkname, 0) >= 0 {
		return a.fail(h.Name, "invalid symbolic link target %s", quote(h.Linkname))
	}
	if err := a.replace(h.Name, parent, base); err != nil {
		return err
	}
	if err := unix.Symlinkat(h.Linkname, parent, base); err != nil {
		return a.sysFail(h.Name, "creating the symbolic link", err)
	}
	return a.meta(h, tar.TypeSymlink, -1, parent, base)
}

// hardlink links base to an entry already in the layer. The target is resolved inside the
// root without following any symbolic link; a link to a symbolic link links the link.
func (a *applier) hardlink(h *tar.Header, parent int, path, base string) error {
	tcomps, err := splitName(h.Linkname)
	if err != nil || len(tcomps) == 0 {
		return a.fail(h.Name, "invalid hard link target %s", quote(h.Linkname))
	}
	if strings.Join(tcomps, "/") == path {
		return a.fail(h.Name, "hard link to itself")
	}
	tdir, err := openDirIn(a.root, tcomps[:len(tcomps)-1])
	if err == unix.ENOENT {
		return a.fail(h.Name, "hard link target %s is not in the layer", quote(h.Linkname))
	}
	if err != nil {
		return a.sysFail(h.Name, "hard link target "+quote(h.Linkname), err)
	}
	defer unix.Close(tdir)
	tbase := tcomps[len(tcomps)-1]
	var st unix.Stat_t
	if err := unix.Fstatat(tdir, tbase, &st, unix.AT_SYMLINK_NOFOLLOW); err != nil {
		return a.fail(h.Name, "hard link target %s is not in the layer", quote(h.Linkname))
	}
	if st.Mode&unix.S_IFMT == unix.S_IFDIR {
		return a.fail(h.Name, "hard link target %s is a directory", quote(h.Linkname))
	}
	if err := a.replace(h.Name, parent, base); err != nil {
		return err
	}
	if err := unix.Linkat(tdir, tbase, parent, base, 0); err != nil {
		return a.sysFail(h.Name, "creating the hard link", err)
	}
	return nil
}

// device creates a device node: a character device 0/0 is an overlay whiteout and always
// allowed; other devices only when the import allows devices.
func (a *applier) device(h *tar.Header, parent int, base string) error {
	isWhiteout := h.Typeflag == tar.TypeChar && h.Devmajor == 0 && h.Devminor == 0
	if !isWhiteout && !a.allowDevices {
		return a.fail(h.Name, "device nodes are not allowed in layers (%s %d:%d)", devKind(h.Typeflag), h.Devmajor, h.Devminor)
	}
	typ := uint32(unix.S_IFCHR)
	if h.Typeflag == tar.TypeBlock {
		typ = unix.S_IFBLK
	}
	return a.node(h, h.Typeflag, parent, base, typ, unix.Mkdev(uint32(h.Devmajor), uint32(h.Devminor)))
}

func devKind(t byte) string {
	if t == tar.TypeBlock {
		return "block device"
	}
	return "character device"
}

// node creates a device node, whiteout or fifo; flag is its tar type.
func (a *applier) node(h *tar.Header, flag byte, parent int, base string, typ uint32, dev uint64) error {
	if err := a.replace(h.Name, parent, base); err != nil {
		return err
	}
	if err := unix.Mknodat(parent, base, typ|0o600, int(dev)); err != nil {
		return a.sysFail(h.Name, "creating the node", err)
	}
	return a.meta(h, flag, -1, parent, base)
}

// opaque marks the directory dir opaque (the ".wh..wh..opq" entry), creating it if needed.
func (a *applier) opaque(h *tar.Header, dir []string) error {
	fd, err := mkdirAllIn(a.root, dir)
	if err != nil {
		return a.sysFail(h.Name, "opening its directory", err)
	}
	defer unix.Close(fd)
	if err := unix.Fsetxattr(fd, opaqueXattr, []byte("y"), 0); err != nil {
		return a.sysFail(h.Name, "marking the directory opaque", err)
	}
	return nil
}
