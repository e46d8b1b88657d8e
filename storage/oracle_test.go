package storage

import (
	"crypto/sha256"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"testing"

	"golang.org/x/sys/unix"
)

// hostTree is a snapshot of a directory tree: for each path, its type, mode, owner, size,
// modification time, inode, link count, and the hash of a file's data or a link's target.
type hostTree map[string]string

// snapshot records the tree at root (a test's scratch directory: the victim files, the
// layer folder and the source folder all live there). The modification times of the
// directories in volatile are left out: creating and removing a staging folder in a layer
// folder changes its time, and nothing else.
func snapshot(t testing.TB, root string, volatile ...string) hostTree {
	t.Helper()
	tree := hostTree{}
	err := filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		var st unix.Stat_t
		if err := unix.Lstat(p, &st); err != nil {
			return err
		}
		sum := ""
		switch st.Mode & unix.S_IFMT {
		case unix.S_IFREG:
			b, _ := os.ReadFile(p)
			sum = fmt.Sprintf("%x", sha256.Sum256(b))
		case unix.S_IFLNK:
			sum, _ = os.Readlink(p)
		}
		mtime := fmt.Sprintf("%d.%d", st.Mtim.Sec, st.Mtim.Nsec)
		for _, v := range volatile {
			if p == v {
				mtime = "-"
			}
		}
		tree[p] = fmt.Sprintf("%o %d:%d %d %s ino%d n%d %s", st.Mode, st.Uid, st.Gid, st.Size,
			mtime, st.Ino, st.Nlink, sum)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return tree
}

// diff lists what differs between two snapshots.
func (a hostTree) diff(b hostTree) []string {
	var out []string
	for p, v := range a {
		if w, ok := b[p]; !ok {
			out = append(out, "removed "+p)
		} else if v != w {
			out = append(out, "changed "+p+": "+v+" -> "+w)
		}
	}
	for p := range b {
		if _, ok := a[p]; !ok {
			out = append(out, "created "+p)
		}
	}
	return out
}

// makeVictim creates, next to where layers go, files an escaping layer would touch: a
// file, a 0400 file, a setuid file, a symbolic link and a fifo.
func makeVictim(t testing.TB, base string) string {
	t.Helper()
	v := filepath.Join(base, "victim")
	os.MkdirAll(v, 0o755)
	os.WriteFile(filepath.Join(v, "hello"), []byte("I am a host file"), 0o644)
	os.WriteFile(filepath.Join(v, "secret"), []byte("secret"), 0o400)
	os.WriteFile(filepath.Join(v, "suid"), []byte("#!/bin/sh"), 0o644)
	os.Chmod(filepath.Join(v, "suid"), 0o4755)
	os.Symlink("hello", filepath.Join(v, "link"))
	unix.Mkfifo(filepath.Join(v, "fifo"), 0o600)
	return v
}

// hostEscape is a host path a hostile layer aims at by name; it must never appear.
func hostEscape() string { return fmt.Sprintf("/tmp/hcs-pwned-%d", os.Getpid()) }

// checkNoEscape fails if the host path a hostile layer aimed at exists.
func checkNoEscape(t testing.TB) {
	t.Helper()
	if _, err := os.Lstat(hostEscape()); err == nil {
		os.RemoveAll(hostEscape())
		t.Errorf("a layer wrote %s on the host", hostEscape())
	}
}
