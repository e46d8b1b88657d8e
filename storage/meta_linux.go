package storage

import (
	"archive/tar"
	"io"
	"sort"
	"strings"

	"golang.org/x/sys/unix"
)

// meta applies the header's owner, mode, extended attributes and (except for directories,
// whose times are set at the end) times to the entry base in parent, of tar type typ. fd is
// an open descriptor of the entry when there is one (regular files and directories), else -1.
// The owner is set first (chown clears set-id bits and file capabilities), then the mode,
// then the attributes.
func (a *applier) meta(h *tar.Header, typ byte, fd, parent int, base string) error {
	uid, gid := int(h.Uid), int(h.Gid)
	var err error
	if fd >= 0 {
		err = unix.Fchown(fd, uid, gid)
	} else {
		err = unix.Fchownat(parent, base, uid, gid, unix.AT_SYMLINK_NOFOLLOW)
	}
	if err != nil {
		return a.sysFail(h.Name, "setting its owner", err)
	}
	if typ != tar.TypeSymlink {
		mode := uint32(h.Mode) & 0o7777
		if fd >= 0 {
			err = unix.Fchmod(fd, mode)
		} else {
			err = unix.Fchmodat(parent, base, mode, 0) // just created here: not a link
		}
		if err != nil {
			return a.sysFail(h.Name, "setting its mode", err)
		}
	}
	if err := a.xattrs(h, typ, fd, parent, base); err != nil {
		return err
	}
	if typ == tar.TypeDir {
		return nil
	}
	if err := unix.UtimesNanoAt(parent, base, times(h), unix.AT_SYMLINK_NOFOLLOW); err != nil {
		return a.sysFail(h.Name, "setting its times", err)
	}
	return nil
}

// xattrs sets the extended attributes the header carries, as xattrPolicy allows.
func (a *applier) xattrs(h *tar.Header, typ byte, fd, parent int, base string) error {
	for _, name := range xattrNames(h) {
		value := h.PAXRecords[paxXattr+name]
		switch xattrPolicy(name, typ) {
		case xattrDrop:
			continue
		case xattrRefuse:
			return a.fail(h.Name, "extended attribute %s is not allowed in a layer", quote(name))
		}
		if len(name) > 255 || len(value) > maxXattrValue {
			return a.fail(h.Name, "extended attribute %s is too large", quote(name))
		}
		if name == opaqueXattr && value != "y" {
			return a.fail(h.Name, "%s must be \"y\"", opaqueXattr)
		}
		var err error
		if fd >= 0 {
			err = unix.Fsetxattr(fd, name, []byte(value), 0)
		} else {
			err = unix.Lsetxattr(fdPath(parent, base), name, []byte(value), 0)
		}
		if isErrno(err, unix.EINVAL, unix.ERANGE) {
			return a.fail(h.Name, "extended attribute %s has an invalid value", quote(name))
		}
		if err != nil {
			return a.sysFail(h.Name, "setting extended attribute "+quote(name), err)
		}
	}
	return nil
}

// xattrNames lists the extended attributes in the header's PAX records, sorted.
func xattrNames(h *tar.Header) []string {
	var names []string
	for k := range h.PAXRecords {
		if name, ok := strings.CutPrefix(k, paxXattr); ok {
			names = append(names, name)
		}
	}
	sort.Strings(names)
	return names
}

// times returns the access and modification times for utimensat: the header's access time
// when it has one, else its modification time.
func times(h *tar.Header) []unix.Timespec {
	atime := h.AccessTime
	if atime.IsZero() {
		atime = h.ModTime
	}
	return []unix.Timespec{unix.NsecToTimespec(atime.UnixNano()), unix.NsecToTimespec(h.ModTime.UnixNano())}
}

// copySparse copies size bytes at most from r to fd through buf, seeking over blocks of
// zeros instead of writing them. It returns the bytes copied, the end of the last data
// written, and the write or read error.
func copySparse(fd int, r io.Reader, size int64, buf []byte) (n, end int64, werr, rerr error) {
	for n < size {
		chunk := buf[:min(int64(len(buf)), size-n)]
		m, err := io.ReadFull(r, chunk)
		if m > 0 {
			if !allZero(chunk[:m]) {
				if werr = writeAt(fd, chunk[:m], n); werr != nil {
					return n, end, werr, nil
				}
				end = n + int64(m)
			}
			n += int64(m)
		}
		if err == io.EOF || err == io.ErrUnexpectedEOF {
			return n, end, nil, nil
		}
		if err != nil {
			return n, end, nil, err
		}
	}
	return n, end, nil, nil
}

// writeAt writes all of b at offset off.
func writeAt(fd int, b []byte, off int64) error {
	for len(b) > 0 {
		m, err := unix.Pwrite(fd, b, off)
		if err != nil {
			return err
		}
		b, off = b[m:], off+int64(m)
	}
	return nil
}

func allZero(b []byte) bool {
	for len(b) >= 8 {
		if b[0]|b[1]|b[2]|b[3]|b[4]|b[5]|b[6]|b[7] != 0 {
			return false
		}
		b = b[8:]
	}
	for _, c := range b {
		if c != 0 {
			return false
		}
	}
	return true
}
