package storage

import (
	"archive/tar"
	"io"
	"os"
	"sort"
	"time"

	"golang.org/x/sys/unix"
)

// node is one entry found by walking a directory tree: its tar header (Name relative to the
// walk's root, directories ending in "/") and, for a regular file, its open data.
type node struct {
	hdr   *tar.Header
	data  *os.File
	inode [2]uint64 // device and inode of a regular file with several links
}

// visitFunc receives each entry of a walk, parents before children. children, for a
// directory, may reorder the directory's entries before they are visited.
type visitFunc func(n *node) error

// walker walks a directory tree through descriptors, never following a symbolic link, and
// reports hard links after their first appearance as tar.TypeLink entries.
type walker struct {
	visit visitFunc
	order func(entries []*node) // sorts one directory's entries; nil sorts by name
	links map[[2]uint64]string
}

// walkTree visits every entry below the directory fd root (not root itself).
func walkTree(root int, order func([]*node), visit visitFunc) error {
	w := &walker{visit: visit, order: order, links: map[[2]uint64]string{}}
	return w.dir(root, "")
}

// dir visits the entries of the directory fd, whose path below the root is prefix.
func (w *walker) dir(fd int, prefix string) error {
	names, err := readNames(fd)
	if err != nil {
		return err
	}
	entries := make([]*node, 0, len(names))
	for _, name := range names {
		n, err := w.stat(fd, name, prefix+name)
		if err != nil {
			return err
		}
		if n != nil {
			entries = append(entries, n)
		}
	}
	if w.order != nil {
		w.order(entries)
	} else {
		sort.Slice(entries, func(i, j int) bool { return entries[i].hdr.Name < entries[j].hdr.Name })
	}
	for _, n := range entries {
		if err := w.entry(fd, n); err != nil {
			return err
		}
	}
	return nil
}

// entry visits one entry of the directory fd, descending into directories.
func (w *walker) entry(fd int, n *node) error {
	base := baseName(n.hdr.Name)
	if n.inode != [2]uint64{} {
		if first, ok := w.links[n.inode]; ok {
			n.hdr.Typeflag, n.hdr.Linkname, n.hdr.Size = tar.TypeLink, first, 0
			return w.visit(n)
		}
		w.links[n.inode] = n.hdr.Name
	}
	switch n.hdr.Typeflag {
	case tar.TypeReg:
		f, err := openData(fd, base, n.hdr)
		if err != nil {
			return err
		}
		defer f.Close()
		n.data = f
	case tar.TypeDir:
		if err := w.visit(n); err != nil {
			return err
		}
		sub, err := openIn(fd, base, unix.O_DIRECTORY|unix.O_RDONLY)
		if err != nil {
			return err
		}
		defer unix.Close(sub)
		return w.dir(sub, n.hdr.Name)
	}
	return w.visit(n)
}

// openData opens a regular file for reading and checks it is still the one stat saw.
func openData(dirfd int, base string, h *tar.Header) (*os.File, error) {
	fd, err := openIn(dirfd, base, unix.O_RDONLY|unix.O_NONBLOCK)
	if err != nil {
		return nil, err
	}
	f := os.NewFile(uintptr(fd), h.Name)
	var st unix.Stat_t
	if err := unix.Fstat(fd, &st); err != nil || st.Mode&unix.S_IFMT != unix.S_IFREG || st.Size != h.Size {
		f.Close()
		return nil, &os.PathError{Op: "open", Path: h.Name, Err: unix.ESTALE}
	}
	return f, nil
}

// stat describes the entry name of the directory fd, or returns nil for entries a layer
// cannot hold (sockets).
func (w *walker) stat(fd int, name, path string) (*node, error) {
	var st unix.Stat_t
	h, err := header(fd, name, path, &st)
	if h == nil || err != nil {
		return nil, err
	}
	n := &node{hdr: h}
	if h.Typeflag == tar.TypeReg && st.Nlink > 1 {
		n.inode = [2]uint64{st.Dev, st.Ino}
	}
	return n, nil
}

// header builds the tar header of name in the directory fd from its stat (left in st), or
// returns nil for entries a layer cannot hold (sockets).
func header(fd int, name, path string, st *unix.Stat_t) (*tar.Header, error) {
	if err := unix.Fstatat(fd, name, st, unix.AT_SYMLINK_NOFOLLOW); err != nil {
		return nil, err
	}
	h := &tar.Header{Name: path, Mode: int64(st.Mode & 0o7777), Uid: int(st.Uid), Gid: int(st.Gid),
		ModTime: time.Unix(st.Mtim.Unix()).UTC(), Format: tar.FormatPAX}
	switch st.Mode & unix.S_IFMT {
	case unix.S_IFREG:
		h.Typeflag, h.Size = tar.TypeReg, st.Size
	case unix.S_IFDIR:
		h.Typeflag, h.Name = tar.TypeDir, path+"/"
	case unix.S_IFLNK:
		target, err := readlinkAt(fd, name)
		if err != nil {
			return nil, err
		}
		h.Typeflag, h.Linkname = tar.TypeSymlink, target
	case unix.S_IFCHR, unix.S_IFBLK:
		h.Typeflag = tar.TypeChar
		if st.Mode&unix.S_IFMT == unix.S_IFBLK {
			h.Typeflag = tar.TypeBlock
		}
		h.Devmajor, h.Devminor = int64(unix.Major(st.Rdev)), int64(unix.Minor(st.Rdev))
	case unix.S_IFIFO:
		h.Typeflag = tar.TypeFifo
	default:
		return nil, nil
	}
	attrs, err := listXattrsAt(fd, name)
	if err != nil {
		return nil, err
	}
	for k, v := range attrs {
		if h.PAXRecords == nil {
			h.PAXRecords = map[string]string{}
		}
		h.PAXRecords[paxXattr+k] = v
	}
	return h, nil
}

// readNames lists the names in the directory fd, through a fresh open file description
// (a dup would share, and move, fd's directory offset).
func readNames(fd int) ([]string, error) {
	dup, err := openIn(fd, "", unix.O_DIRECTORY|unix.O_RDONLY)
	if err != nil {
		return nil, err
	}
	d := os.NewFile(uintptr(dup), "")
	defer d.Close()
	return d.Readdirnames(-1)
}

// readlinkAt reads the target of the symbolic link name in the directory fd.
func readlinkAt(fd int, name string) (string, error) {
	for size := 256; ; size *= 4 {
		buf := make([]byte, size)
		n, err := unix.Readlinkat(fd, name, buf)
		if err != nil {
			return "", err
		}
		if n < size {
			return string(buf[:n]), nil
		}
	}
}

// baseName returns the last component of a walk path ("a/b/" gives "b").
func baseName(p string) string {
	if len(p) > 0 && p[len(p)-1] == '/' {
		p = p[:len(p)-1]
	}
	for i := len(p) - 1; i >= 0; i-- {
		if p[i] == '/' {
			return p[i+1:]
		}
	}
	return p
}

// dataReader returns the reader of a node's data (empty for entries without data).
func (n *node) dataReader() io.Reader {
	if n.data == nil {
		return eofReader{}
	}
	return io.LimitReader(n.data, n.hdr.Size)
}

type eofReader struct{}

func (eofReader) Read([]byte) (int, error) { return 0, io.EOF }
