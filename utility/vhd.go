package utility

import (
	"context"
	"encoding/json"
	"os"

	"github.com/linuxhcs/hcs/driver/vm"
	"github.com/linuxhcs/hcs/hresult"
	"github.com/linuxhcs/hcs/storage"
)

// needFile is the error of a VHD function called without its handle.
func needFile(name string, f *os.File) error {
	if f == nil {
		return hresult.New(hresult.E_INVALIDARG, name+": vhdHandle is required")
	}
	return nil
}

func setupBaseOSLayer(_ context.Context, a []string, f *os.File) (string, error) {
	if err := argCount(a, 2); err != nil {
		return "", err
	}
	return "", storage.SetupBaseOSLayer(a[0], f, a[1])
}

func formatWritableLayerVhd(_ context.Context, a []string, f *os.File) (string, error) {
	if err := needFile("HcsFormatWritableLayerVhd", f); err != nil {
		return "", err
	}
	return "", storage.FormatWritableLayerVhd(f)
}

func getLayerVhdMountPath(_ context.Context, a []string, f *os.File) (string, error) {
	if err := needFile("HcsGetLayerVhdMountPath", f); err != nil {
		return "", err
	}
	return storage.GetLayerVhdMountPath(f)
}

func processorCompatibility(_ context.Context, a []string, _ *os.File) (string, error) {
	if err := argCount(a, 1); err != nil {
		return "", err
	}
	req, err := vm.GetProcessorCompatibilityFromSavedState(a[0])
	if err != nil {
		return "", err
	}
	b, err := json.Marshal(req)
	return string(b), err
}
