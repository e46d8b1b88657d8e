package main

/*
#include "shim.h"
*/
import "C"

import (
	"os"

	"golang.org/x/sys/unix"

	"github.com/linuxhcs/hcs/client"
	"github.com/linuxhcs/hcs/hresult"
)

// The synchronous functions that work on files: the VM utilities of computecore (HCS-API.md
// §9) and the layer-storage functions of computestorage (§10). Each is one call to the
// service.

// utilityCall runs a utility function with the current client. It is not repeated on a new
// connection when the old one turns out to be lost, since it may have changed files already.
func utilityCall(call func(c *client.Client) error) C.HRESULT {
	return hr(callOnce(call))
}

// vhdFile returns the caller's VHD handle, a file descriptor, as a file for the service: a
// duplicate, closed by done, so the caller's descriptor is never closed. NULL is no file.
func vhdFile(h C.uintptr_t) (f *os.File, done func(), err error) {
	if h == 0 {
		return nil, func() {}, nil
	}
	fd, err := unix.FcntlInt(uintptr(h), unix.F_DUPFD_CLOEXEC, 3)
	if err != nil {
		return nil, nil, hresult.Wrap(err, hresult.ERROR_INVALID_HANDLE, "vhdHandle is not an open file descriptor")
	}
	f = os.NewFile(uintptr(fd), "vhd")
	return f, func() { f.Close() }, nil
}

// vhdCall runs call with the caller's VHD handle as a file.
func vhdCall(vhdHandle C.uintptr_t, call func(c *client.Client, vhd *os.File) error) C.HRESULT {
	vhd, done, err := vhdFile(vhdHandle)
	if err != nil {
		return hr(err)
	}
	defer done()
	return utilityCall(func(c *client.Client) error { return call(c, vhd) })
}

// HcsCreateEmptyGuestStateFile creates an empty guest-state file for a VM.
//
//export HcsCreateEmptyGuestStateFile
func HcsCreateEmptyGuestStateFile(guestStateFilePath *C.WCHAR) C.HRESULT {
	path := goString(guestStateFilePath)
	return utilityCall(func(c *client.Client) error { return c.CreateEmptyGuestStateFile(callCtx(), path) })
}

// HcsCreateEmptyRuntimeStateFile creates an empty runtime-state file for a VM.
//
//export HcsCreateEmptyRuntimeStateFile
func HcsCreateEmptyRuntimeStateFile(runtimeStateFilePath *C.WCHAR) C.HRESULT {
	path := goString(runtimeStateFilePath)
	return utilityCall(func(c *client.Client) error { return c.CreateEmptyRuntimeStateFile(callCtx(), path) })
}

// HcsGrantVmAccess gives the VM named vmId access to filePath.
//
//export HcsGrantVmAccess
func HcsGrantVmAccess(vmId, filePath *C.WCHAR) C.HRESULT {
	id, path := goString(vmId), goString(filePath)
	return utilityCall(func(c *client.Client) error { return c.GrantVmAccess(callCtx(), id, path) })
}

// HcsRevokeVmAccess removes what HcsGrantVmAccess granted.
//
//export HcsRevokeVmAccess
func HcsRevokeVmAccess(vmId, filePath *C.WCHAR) C.HRESULT {
	id, path := goString(vmId), goString(filePath)
	return utilityCall(func(c *client.Client) error { return c.RevokeVmAccess(callCtx(), id, path) })
}

// HcsGrantVmGroupAccess gives every VM read access to filePath.
//
//export HcsGrantVmGroupAccess
func HcsGrantVmGroupAccess(filePath *C.WCHAR) C.HRESULT {
	path := goString(filePath)
	return utilityCall(func(c *client.Client) error { return c.GrantVmGroupAccess(callCtx(), path) })
}

// HcsRevokeVmGroupAccess removes what HcsGrantVmGroupAccess granted.
//
//export HcsRevokeVmGroupAccess
func HcsRevokeVmGroupAccess(filePath *C.WCHAR) C.HRESULT {
	path := goString(filePath)
	return utilityCall(func(c *client.Client) error { return c.RevokeVmGroupAccess(callCtx(), path) })
}

// HcsGetProcessorCompatibilityFromSavedState returns the processor requirements recorded in
// a saved runtime-state file, as a VmProcessorRequirements document (NULL on failure).
//
//export HcsGetProcessorCompatibilityFromSavedState
func HcsGetProcessorCompatibilityFromSavedState(RuntimeFileName *C.WCHAR, ProcessorFeaturesString **C.WCHAR) C.HRESULT {
	setString(ProcessorFeaturesString, "")
	path := goString(RuntimeFileName)
	var doc string
	res := utilityCall(func(c *client.Client) (err error) {
		doc, err = c.GetProcessorCompatibilityFromSavedState(callCtx(), path)
		return err
	})
	if res == 0 {
		setString(ProcessorFeaturesString, doc)
	}
	return res
}

// HcsImportLayer makes a layer at layerPath from the layer in transport form in
// sourceFolderPath.
//
//export HcsImportLayer
func HcsImportLayer(layerPath, sourceFolderPath, layerData *C.WCHAR) C.HRESULT {
	lp, src, ld := goString(layerPath), goString(sourceFolderPath), goString(layerData)
	return utilityCall(func(c *client.Client) error { return c.ImportLayer(callCtx(), lp, src, ld) })
}

// HcsExportLayer writes the transport form of the layer at layerPath into exportFolderPath.
//
//export HcsExportLayer
func HcsExportLayer(layerPath, exportFolderPath, layerData, options *C.WCHAR) C.HRESULT {
	lp, dst, ld, opts := goString(layerPath), goString(exportFolderPath), goString(layerData), goString(options)
	return utilityCall(func(c *client.Client) error { return c.ExportLayer(callCtx(), lp, dst, ld, opts) })
}

// HcsExportLegacyWritableLayer exports a writable layer stored in the legacy layout.
//
//export HcsExportLegacyWritableLayer
func HcsExportLegacyWritableLayer(writableLayerMountPath, writableLayerFolderPath, exportFolderPath, layerData *C.WCHAR) C.HRESULT {
	mp, fp, dst, ld := goString(writableLayerMountPath), goString(writableLayerFolderPath), goString(exportFolderPath), goString(layerData)
	return utilityCall(func(c *client.Client) error { return c.ExportLegacyWritableLayer(callCtx(), mp, fp, dst, ld) })
}

// HcsDestroyLayer deletes the layer at layerPath.
//
//export HcsDestroyLayer
func HcsDestroyLayer(layerPath *C.WCHAR) C.HRESULT {
	lp := goString(layerPath)
	return utilityCall(func(c *client.Client) error { return c.DestroyLayer(callCtx(), lp) })
}

// HcsSetupBaseOSLayer prepares a base OS layer; vhdHandle is the file descriptor of the
// image, or NULL for a container base layer. The caller keeps its descriptor.
//
//export HcsSetupBaseOSLayer
func HcsSetupBaseOSLayer(layerPath *C.WCHAR, vhdHandle C.uintptr_t, options *C.WCHAR) C.HRESULT {
	lp, opts := goString(layerPath), goString(options)
	return vhdCall(vhdHandle, func(c *client.Client, vhd *os.File) error { return c.SetupBaseOSLayer(callCtx(), lp, vhd, opts) })
}

// HcsSetupBaseOSVolume prepares a base OS layer from a mounted volume.
//
//export HcsSetupBaseOSVolume
func HcsSetupBaseOSVolume(layerPath, volumePath, options *C.WCHAR) C.HRESULT {
	lp, vp, opts := goString(layerPath), goString(volumePath), goString(options)
	return utilityCall(func(c *client.Client) error { return c.SetupBaseOSVolume(callCtx(), lp, vp, opts) })
}

// HcsInitializeWritableLayer makes writableLayerPath a writable layer over layerData.
//
//export HcsInitializeWritableLayer
func HcsInitializeWritableLayer(writableLayerPath, layerData, options *C.WCHAR) C.HRESULT {
	wp, ld, opts := goString(writableLayerPath), goString(layerData), goString(options)
	return utilityCall(func(c *client.Client) error { return c.InitializeWritableLayer(callCtx(), wp, ld, opts) })
}

// HcsInitializeLegacyWritableLayer is HcsInitializeWritableLayer for the legacy layout.
//
//export HcsInitializeLegacyWritableLayer
func HcsInitializeLegacyWritableLayer(writableLayerMountPath, writableLayerFolderPath, layerData, options *C.WCHAR) C.HRESULT {
	mp, fp, ld, opts := goString(writableLayerMountPath), goString(writableLayerFolderPath), goString(layerData), goString(options)
	return utilityCall(func(c *client.Client) error { return c.InitializeLegacyWritableLayer(callCtx(), mp, fp, ld, opts) })
}

// HcsAttachLayerStorageFilter shows the union of the layer over its parents at layerPath.
//
//export HcsAttachLayerStorageFilter
func HcsAttachLayerStorageFilter(layerPath, layerData *C.WCHAR) C.HRESULT {
	lp, ld := goString(layerPath), goString(layerData)
	return utilityCall(func(c *client.Client) error { return c.AttachLayerStorageFilter(callCtx(), lp, ld) })
}

// HcsDetachLayerStorageFilter removes the union from layerPath.
//
//export HcsDetachLayerStorageFilter
func HcsDetachLayerStorageFilter(layerPath *C.WCHAR) C.HRESULT {
	lp := goString(layerPath)
	return utilityCall(func(c *client.Client) error { return c.DetachLayerStorageFilter(callCtx(), lp) })
}

// HcsFormatWritableLayerVhd formats the image behind vhdHandle, a file descriptor the caller
// keeps, as a writable layer.
//
//export HcsFormatWritableLayerVhd
func HcsFormatWritableLayerVhd(vhdHandle C.uintptr_t) C.HRESULT {
	return vhdCall(vhdHandle, func(c *client.Client, vhd *os.File) error { return c.FormatWritableLayerVhd(callCtx(), vhd) })
}

// HcsGetLayerVhdMountPath returns where the attached image behind vhdHandle is mounted.
//
//export HcsGetLayerVhdMountPath
func HcsGetLayerVhdMountPath(vhdHandle C.uintptr_t, mountPath **C.WCHAR) C.HRESULT {
	setString(mountPath, "")
	if mountPath == nil {
		return errPointer
	}
	var path string
	res := vhdCall(vhdHandle, func(c *client.Client, vhd *os.File) (err error) {
		path, err = c.GetLayerVhdMountPath(callCtx(), vhd)
		return err
	})
	if res == 0 {
		setString(mountPath, path)
	}
	return res
}
