// Package utility binds the synchronous HCS functions that work on files, the container
// storage functions (package storage) and the VM utility functions (package driver/vm), to
// the service's Utility call. hcsd and embedded hosts pass Functions() as
// host.Options.Utilities.
package utility

import (
	"context"
	"os"

	"github.com/linuxhcs/hcs/driver/vm"
	"github.com/linuxhcs/hcs/host"
	"github.com/linuxhcs/hcs/hresult"
	"github.com/linuxhcs/hcs/storage"
	"github.com/linuxhcs/hcs/wire"
)

// Functions returns a handler for every utility function.
func Functions() map[wire.UtilityFunc]host.UtilityHandler {
	return map[wire.UtilityFunc]host.UtilityHandler{
		wire.FuncImportLayer:                   strings3(storage.ImportLayer),
		wire.FuncExportLayer:                   strings4(storage.ExportLayer),
		wire.FuncExportLegacyWritableLayer:     strings4(storage.ExportLegacyWritableLayer),
		wire.FuncDestroyLayer:                  strings1(storage.DestroyLayer),
		wire.FuncSetupBaseOSLayer:              setupBaseOSLayer,
		wire.FuncSetupBaseOSVolume:             strings3(storage.SetupBaseOSVolume),
		wire.FuncInitializeWritableLayer:       strings3(storage.InitializeWritableLayer),
		wire.FuncInitializeLegacyWritableLayer: strings4(storage.InitializeLegacyWritableLayer),
		wire.FuncAttachLayerStorageFilter:      strings2(storage.AttachLayerStorageFilter),
		wire.FuncDetachLayerStorageFilter:      strings1(storage.DetachLayerStorageFilter),
		wire.FuncFormatWritableLayerVhd:        formatWritableLayerVhd,
		wire.FuncGetLayerVhdMountPath:          getLayerVhdMountPath,

		wire.FuncCreateEmptyGuestStateFile:               strings1(vm.CreateEmptyGuestStateFile),
		wire.FuncCreateEmptyRuntimeStateFile:             strings1(vm.CreateEmptyRuntimeStateFile),
		wire.FuncGrantVmAccess:                           strings2(vm.GrantVmAccess),
		wire.FuncRevokeVmAccess:                          strings2(vm.RevokeVmAccess),
		wire.FuncGrantVmGroupAccess:                      strings1(vm.GrantVmGroupAccess),
		wire.FuncRevokeVmGroupAccess:                     strings1(vm.RevokeVmGroupAccess),
		wire.FuncGetProcessorCompatibilityFromSavedState: processorCompatibility,
	}
}

// argCount checks that a call brought the number of string arguments its function takes.
func argCount(args []string, n int) error {
	if len(args) != n {
		return hresult.Errorf(hresult.E_INVALIDARG, "expected %d arguments, got %d", n, len(args))
	}
	return nil
}

func strings1(f func(string) error) host.UtilityHandler {
	return func(_ context.Context, a []string, _ *os.File) (string, error) {
		if err := argCount(a, 1); err != nil {
			return "", err
		}
		return "", f(a[0])
	}
}

func strings2(f func(string, string) error) host.UtilityHandler {
	return func(_ context.Context, a []string, _ *os.File) (string, error) {
		if err := argCount(a, 2); err != nil {
			return "", err
		}
		return "", f(a[0], a[1])
	}
}

func strings3(f func(string, string, string) error) host.UtilityHandler {
	return func(_ context.Context, a []string, _ *os.File) (string, error) {
		if err := argCount(a, 3); err != nil {
			return "", err
		}
		return "", f(a[0], a[1], a[2])
	}
}

func strings4(f func(string, string, string, string) error) host.UtilityHandler {
	return func(_ context.Context, a []string, _ *os.File) (string, error) {
		if err := argCount(a, 4); err != nil {
			return "", err
		}
		return "", f(a[0], a[1], a[2], a[3])
	}
}
