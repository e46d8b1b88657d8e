// Package durable writes records that must survive a crash whole or not at all: the host's
// system records and crash reports and the drivers' state files. Every writer in the project
// uses it, so there is one durability: a temporary file in the same directory, fsync, rename
// over the target, fsync of the directory, and every error returned.
package durable

import (
	"encoding/json"
	"io/fs"
	"os"
	"path/filepath"
)

// WriteFile makes path hold data with permissions perm, so that after a crash path holds
// either its previous content or all of data. An error is an *fs.PathError naming path (never
// the temporary file) and the step that failed; the temporary file is removed.
func WriteFile(path string, data []byte, perm os.FileMode) error {
	dir := filepath.Dir(path)
	f, err := os.CreateTemp(dir, "."+filepath.Base(path)+".tmp-")
	if err != nil {
		return failed("create", path, err)
	}
	tmp := f.Name()
	if err := fill(f, data, perm); err != nil {
		os.Remove(tmp)
		return failed("write", path, err)
	}
	if err := os.Rename(tmp, path); err != nil {
		os.Remove(tmp)
		return failed("rename", path, err)
	}
	if err := syncDir(dir); err != nil {
		return failed("sync directory of", path, err)
	}
	return nil
}

// WriteJSON is WriteFile with v encoded as JSON; an encoding error writes nothing.
func WriteJSON(path string, v any, perm os.FileMode) error {
	b, err := json.Marshal(v)
	if err != nil {
		return failed("encode", path, err)
	}
	return WriteFile(path, b, perm)
}

// fill writes data to f, sets its permissions, flushes it to the disk and closes it.
func fill(f *os.File, data []byte, perm os.FileMode) error {
	_, err := f.Write(data)
	if err == nil {
		err = f.Chmod(perm)
	}
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	return err
}

// syncDir flushes dir's entries, so that the rename itself survives a crash.
func syncDir(dir string) error {
	d, err := os.Open(dir)
	if err != nil {
		return err
	}
	err = d.Sync()
	if cerr := d.Close(); err == nil {
		err = cerr
	}
	return err
}

// failed reports a failed step on path, keeping the cause for errors.Is but not the name of
// the temporary file that an *fs.PathError or *os.LinkError cause carries.
func failed(op, path string, err error) error {
	switch e := err.(type) {
	case *fs.PathError:
		err = e.Err
	case *os.LinkError:
		err = e.Err
	}
	return &fs.PathError{Op: op, Path: path, Err: err}
}
