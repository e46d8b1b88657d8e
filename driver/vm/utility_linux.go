package vm

import (
	"errors"
	"io"
	"io/fs"
	"os"

	"github.com/linuxhcs/hcs/hresult"
)

// ACL permission bits.
const (
	permRead  = 4
	permWrite = 2
	permExec  = 1
)

// GrantVmAccess implements HcsGrantVmAccess: it adds a POSIX ACL entry giving the uid the
// VM with compute-system id vmID runs as (VMUID) read and write access to path (and search
// access when path is a directory). The VM still needs search access to the directories
// above path. Granting again is harmless.
func GrantVmAccess(vmID, path string) error {
	perm := uint16(permRead | permWrite)
	if isDir(path) {
		perm |= permExec
	}
	return aclCall("HcsGrantVmAccess", path, setNamedEntry(path, aclUser, VMUID(vmID), perm))
}

// RevokeVmAccess implements HcsRevokeVmAccess: it removes the entry GrantVmAccess added.
// Revoking an access that was never granted is not an error.
func RevokeVmAccess(vmID, path string) error {
	return aclCall("HcsRevokeVmAccess", path, setNamedEntry(path, aclUser, VMUID(vmID), 0))
}

// GrantVmGroupAccess implements HcsGrantVmGroupAccess: it gives the group every VM belongs
// to (VMGroupID) read access to path (and search access to a directory), for files shared
// by many VMs such as base disks.
func GrantVmGroupAccess(path string) error {
	perm := uint16(permRead)
	if isDir(path) {
		perm |= permExec
	}
	return aclCall("HcsGrantVmGroupAccess", path, setNamedEntry(path, aclGroup, VMGroupID, perm))
}

// RevokeVmGroupAccess implements HcsRevokeVmGroupAccess.
func RevokeVmGroupAccess(path string) error {
	return aclCall("HcsRevokeVmGroupAccess", path, setNamedEntry(path, aclGroup, VMGroupID, 0))
}

func isDir(path string) bool {
	fi, err := os.Stat(path)
	return err == nil && fi.IsDir()
}

// aclCall turns an error into the HRESULT the API returns, naming the call and the path.
func aclCall(call, path string, err error) error {
	switch {
	case err == nil:
		return nil
	case errors.Is(err, fs.ErrNotExist):
		return hresult.Wrap(err, hresult.ERROR_NOT_FOUND, call+": "+path)
	case errors.Is(err, fs.ErrPermission):
		return hresult.Wrap(err, hresult.E_ACCESSDENIED, call+": "+path)
	}
	return hresult.Wrap(err, hresult.E_FAIL, call+": "+path)
}

// CreateEmptyRuntimeStateFile implements HcsCreateEmptyRuntimeStateFile: it creates an
// empty runtime state file (mode 0600, not replacing an existing file) that Save fills.
func CreateEmptyRuntimeStateFile(path string) error {
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		return createError("HcsCreateEmptyRuntimeStateFile", path, err)
	}
	return f.Close()
}

// CreateEmptyGuestStateFile implements HcsCreateEmptyGuestStateFile: it creates a guest
// state file holding an empty UEFI variable store, a copy of the firmware's template
// (OVMF_VARS), usable as GuestState.GuestStateFilePath. The file is not replaced if it
// exists.
func CreateEmptyGuestStateFile(path string) error {
	fw, err := FindFirmware()
	if err != nil {
		return err
	}
	src, err := os.Open(fw.VarsTemplate)
	if err != nil {
		return hresult.Wrap(err, hresult.HCS_E_SERVICE_NOT_AVAILABLE, "HcsCreateEmptyGuestStateFile: UEFI variable store template")
	}
	defer src.Close()
	dst, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		return createError("HcsCreateEmptyGuestStateFile", path, err)
	}
	_, err = io.Copy(dst, src)
	if cerr := dst.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		os.Remove(path)
		return hresult.Wrap(err, hresult.E_FAIL, "HcsCreateEmptyGuestStateFile: "+path)
	}
	return nil
}

func createError(call, path string, err error) error {
	switch {
	case errors.Is(err, fs.ErrExist):
		return hresult.Wrap(err, hresult.ERROR_ALREADY_EXISTS, call+": "+path)
	case errors.Is(err, fs.ErrNotExist):
		return hresult.Wrap(err, hresult.ERROR_NOT_FOUND, call+": "+path)
	case errors.Is(err, fs.ErrPermission):
		return hresult.Wrap(err, hresult.E_ACCESSDENIED, call+": "+path)
	}
	return hresult.Wrap(err, hresult.E_FAIL, call+": "+path)
}
