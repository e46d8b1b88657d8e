package vm

import (
	"encoding/binary"
	"errors"
	"fmt"
	"os"
	"slices"

	"golang.org/x/sys/unix"
)

// The POSIX ACL extended attribute: "system.posix_acl_access" holds a little-endian
// version (2) followed by 8-byte entries {tag u16, perm u16, id u32}, sorted by tag, then id.
const (
	aclXattr   = "system.posix_acl_access"
	aclVersion = 2

	aclUserObj  = 0x01
	aclUser     = 0x02
	aclGroupObj = 0x04
	aclGroup    = 0x08
	aclMask     = 0x10
	aclOther    = 0x20

	aclUndefinedID = 0xFFFFFFFF
)

// aclEntry is one ACL entry.
type aclEntry struct {
	tag  uint16
	perm uint16
	id   uint32
}

// readACL returns the file's access ACL; a file without one has the ACL its mode implies.
func readACL(path string) ([]aclEntry, os.FileMode, error) {
	fi, err := os.Stat(path)
	if err != nil {
		return nil, 0, err
	}
	buf := make([]byte, 4096)
	n, err := unix.Getxattr(path, aclXattr, buf)
	if errors.Is(err, unix.ENODATA) {
		m := uint16(fi.Mode().Perm())
		return []aclEntry{{aclUserObj, m >> 6 & 7, aclUndefinedID}, {aclGroupObj, m >> 3 & 7, aclUndefinedID},
			{aclOther, m & 7, aclUndefinedID}}, fi.Mode(), nil
	}
	if err != nil {
		return nil, 0, fmt.Errorf("read the ACL of %s: %w", path, err)
	}
	acl, err := decodeACL(buf[:n])
	return acl, fi.Mode(), err
}

// decodeACL parses the extended attribute's value.
func decodeACL(b []byte) ([]aclEntry, error) {
	if len(b) < 4 || binary.LittleEndian.Uint32(b) != aclVersion || (len(b)-4)%8 != 0 {
		return nil, errors.New("malformed POSIX ACL attribute")
	}
	var acl []aclEntry
	for p := b[4:]; len(p) > 0; p = p[8:] {
		acl = append(acl, aclEntry{binary.LittleEndian.Uint16(p), binary.LittleEndian.Uint16(p[2:]), binary.LittleEndian.Uint32(p[4:])})
	}
	return acl, nil
}

// encodeACL builds the extended attribute's value from sorted entries.
func encodeACL(acl []aclEntry) []byte {
	b := binary.LittleEndian.AppendUint32(nil, aclVersion)
	for _, e := range acl {
		b = binary.LittleEndian.AppendUint16(b, e.tag)
		b = binary.LittleEndian.AppendUint16(b, e.perm)
		b = binary.LittleEndian.AppendUint32(b, e.id)
	}
	return b
}

// setNamedEntry adds (perm != 0) or removes (perm == 0) the entry for a named user or
// group, recomputes the mask as the union of the group class (as setfacl does) and writes
// the ACL; an ACL left with the base entries only is removed, the mode keeping its bits.
func setNamedEntry(path string, tag uint16, id uint32, perm uint16) error {
	acl, mode, err := readACL(path)
	if err != nil {
		return err
	}
	acl = slices.DeleteFunc(acl, func(e aclEntry) bool { return (e.tag == tag && e.id == id) || e.tag == aclMask })
	if perm != 0 {
		acl = append(acl, aclEntry{tag, perm, id})
	}
	named := slices.ContainsFunc(acl, func(e aclEntry) bool { return e.tag == aclUser || e.tag == aclGroup })
	if !named {
		return removeACL(path, acl, mode)
	}
	var mask uint16
	for _, e := range acl {
		if e.tag == aclGroupObj || e.tag == aclUser || e.tag == aclGroup {
			mask |= e.perm
		}
	}
	acl = append(acl, aclEntry{aclMask, mask, aclUndefinedID})
	slices.SortFunc(acl, func(a, b aclEntry) int {
		if a.tag != b.tag {
			return int(a.tag) - int(b.tag)
		}
		return int(int64(a.id) - int64(b.id))
	})
	if err := unix.Setxattr(path, aclXattr, encodeACL(acl), 0); err != nil {
		return fmt.Errorf("write the ACL of %s: %w", path, err)
	}
	return nil
}

// removeACL drops the ACL attribute and gives the group bits of the mode back to the
// owning group's entry.
func removeACL(path string, acl []aclEntry, mode os.FileMode) error {
	err := unix.Removexattr(path, aclXattr)
	if err != nil && !errors.Is(err, unix.ENODATA) {
		return fmt.Errorf("remove the ACL of %s: %w", path, err)
	}
	for _, e := range acl {
		if e.tag == aclGroupObj {
			m := mode.Perm()&^0o070 | os.FileMode(e.perm)<<3
			return os.Chmod(path, m|mode&(os.ModeSetuid|os.ModeSetgid|os.ModeSticky))
		}
	}
	return nil
}
