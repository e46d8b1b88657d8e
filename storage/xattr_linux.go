package storage

import (
	"bytes"
	"strings"

	"golang.org/x/sys/unix"
)

// Extended attributes that carry meaning for layers.
const (
	// opaqueXattr marks an overlayfs directory opaque; its value is "y".
	opaqueXattr = "trusted.overlay.opaque"
	// markerXattr identifies a directory as a layer; its value is the layer's Kind.
	markerXattr = "trusted.hcs.layer"
	// paxXattr prefixes the PAX records that carry extended attributes in a tarball.
	paxXattr = "SCHILY.xattr."
	// maxXattrValue is the largest value Linux stores (XATTR_SIZE_MAX).
	maxXattrValue = 64 << 10
)

// xattrRule is what a layer may do with one extended attribute.
type xattrRule int

const (
	xattrDrop   xattrRule = iota // silently left out
	xattrKeep                    // stored as given
	xattrRefuse                  // the layer is refused
)

// xattrPolicy says what happens to the extended attribute name on an entry of type typ
// (a tar type flag) when a layer is imported or exported:
//   - user.* is kept on files and directories (Linux allows it nowhere else);
//   - security.capability is kept on regular files (file capabilities are data; containers
//     run with no_new_privs and a bounded capability set);
//   - system.posix_acl_access, and system.posix_acl_default on directories, are kept;
//   - trusted.overlay.opaque is kept on directories (the opaque whiteout in overlay form);
//   - every other trusted.* attribute is refused: trusted.overlay.* steer overlayfs
//     (redirect, metacopy, origin) and trusted.hcs.* are this package's own markers;
//   - everything else (security.selinux, security.ima, ...) is dropped: the host labels
//     and measures its own files.
func xattrPolicy(name string, typ byte) xattrRule {
	isReg, isDir := typ == '0', typ == '5'
	switch {
	case strings.HasPrefix(name, "user."):
		return keepIf(isReg || isDir)
	case name == "security.capability":
		return keepIf(isReg)
	case name == "system.posix_acl_access":
		return keepIf(typ != '2')
	case name == "system.posix_acl_default":
		return keepIf(isDir)
	case name == opaqueXattr && isDir:
		return xattrKeep
	case strings.HasPrefix(name, "trusted."):
		return xattrRefuse
	}
	return xattrDrop
}

func keepIf(ok bool) xattrRule {
	if ok {
		return xattrKeep
	}
	return xattrDrop
}

// listXattrsAt reads every extended attribute of the entry name in the directory dirfd,
// without following it when it is a symbolic link.
func listXattrsAt(dirfd int, name string) (map[string]string, error) {
	path := fdPath(dirfd, name)
	names, err := readXattrBuf(func(b []byte) (int, error) { return unix.Llistxattr(path, b) })
	if err != nil || len(names) == 0 {
		return nil, ignoreNoXattr(err)
	}
	attrs := map[string]string{}
	for _, n := range bytes.Split(bytes.TrimRight(names, "\x00"), []byte{0}) {
		key := string(n)
		v, err := readXattrBuf(func(b []byte) (int, error) { return unix.Lgetxattr(path, key, b) })
		if err != nil {
			if ignoreNoXattr(err) == nil {
				continue // removed meanwhile
			}
			return nil, err
		}
		attrs[key] = string(v)
	}
	return attrs, nil
}

// readXattrBuf calls get with a growing buffer until the value fits.
func readXattrBuf(get func([]byte) (int, error)) ([]byte, error) {
	size := 256
	for {
		buf := make([]byte, size)
		n, err := get(buf)
		if err == unix.ERANGE && size < 1<<20 {
			size *= 4
			continue
		}
		if err != nil {
			return nil, err
		}
		return buf[:n], nil
	}
}

// ignoreNoXattr treats "no such attribute" and "attributes not supported" as no error.
func ignoreNoXattr(err error) error {
	if isErrno(err, unix.ENODATA, unix.ENOTSUP) {
		return nil
	}
	return err
}

// getXattrAt returns the value of one extended attribute of name in dirfd ("" when absent).
func getXattrAt(dirfd int, name, attr string) (string, error) {
	v, err := readXattrBuf(func(b []byte) (int, error) { return unix.Lgetxattr(fdPath(dirfd, name), attr, b) })
	if err != nil {
		return "", ignoreNoXattr(err)
	}
	return string(v), nil
}
