package client

import (
	"context"
	"os"

	"github.com/linuxhcs/hcs/wire"
)

// The container storage functions of computestorage.dll (spec HCS-API.md §10). All are
// synchronous and run in the service, which does the mounting and the privileged file work;
// documents are validated there, and errors carry the HRESULT and a message naming the layer
// or field.

// utility runs a utility function in the service.
func (c *Client) utility(fn wire.UtilityFunc, file *os.File, args ...string) (string, error) {
	if err := c.check(); err != nil {
		return "", err
	}
	out, err := c.svc.Utility(context.Background(), fn, args, file)
	return out, c.serviceErr(err)
}

func (c *Client) utilityErr(fn wire.UtilityFunc, file *os.File, args ...string) error {
	_, err := c.utility(fn, file, args...)
	return err
}

// ImportLayer is HcsImportLayer: it converts the layer in transport form in sourceFolderPath
// (layer.tar, layer.tar.gz, layer.tar.zst, or an extracted tree) into an on-host layer at
// layerPath. layerData is a LayerData document naming the parents.
func (c *Client) ImportLayer(layerPath, sourceFolderPath, layerData string) error {
	return c.utilityErr(wire.FuncImportLayer, nil, layerPath, sourceFolderPath, layerData)
}

// ExportLayer is HcsExportLayer: it writes the layer's transport form (layer.tar) into
// exportFolderPath. options is an ExportLayerOptions document.
func (c *Client) ExportLayer(layerPath, exportFolderPath, layerData, options string) error {
	return c.utilityErr(wire.FuncExportLayer, nil, layerPath, exportFolderPath, layerData, options)
}

// ExportLegacyWritableLayer is HcsExportLegacyWritableLayer.
func (c *Client) ExportLegacyWritableLayer(mountPath, folderPath, exportFolderPath, layerData string) error {
	return c.utilityErr(wire.FuncExportLegacyWritableLayer, nil, mountPath, folderPath, exportFolderPath, layerData)
}

// DestroyLayer is HcsDestroyLayer; it refuses what is not a layer, and layers in use.
func (c *Client) DestroyLayer(layerPath string) error {
	return c.utilityErr(wire.FuncDestroyLayer, nil, layerPath)
}

// SetupBaseOSLayer is HcsSetupBaseOSLayer: vhd is the open disk image (nil for a container
// base layer), options an OsLayerOptions document.
func (c *Client) SetupBaseOSLayer(layerPath string, vhd *os.File, options string) error {
	return c.utilityErr(wire.FuncSetupBaseOSLayer, vhd, layerPath, options)
}

// SetupBaseOSVolume is HcsSetupBaseOSVolume: a base OS layer from a mounted volume.
func (c *Client) SetupBaseOSVolume(layerPath, volumePath, options string) error {
	return c.utilityErr(wire.FuncSetupBaseOSVolume, nil, layerPath, volumePath, options)
}

// InitializeWritableLayer is HcsInitializeWritableLayer.
func (c *Client) InitializeWritableLayer(writableLayerPath, layerData, options string) error {
	return c.utilityErr(wire.FuncInitializeWritableLayer, nil, writableLayerPath, layerData, options)
}

// InitializeLegacyWritableLayer is HcsInitializeLegacyWritableLayer.
func (c *Client) InitializeLegacyWritableLayer(mountPath, folderPath, layerData, options string) error {
	return c.utilityErr(wire.FuncInitializeLegacyWritableLayer, nil, mountPath, folderPath, layerData, options)
}

// AttachLayerStorageFilter is HcsAttachLayerStorageFilter: the layer directory shows the union
// of the layer over its parents.
func (c *Client) AttachLayerStorageFilter(layerPath, layerData string) error {
	return c.utilityErr(wire.FuncAttachLayerStorageFilter, nil, layerPath, layerData)
}

// DetachLayerStorageFilter is HcsDetachLayerStorageFilter.
func (c *Client) DetachLayerStorageFilter(layerPath string) error {
	return c.utilityErr(wire.FuncDetachLayerStorageFilter, nil, layerPath)
}

// FormatWritableLayerVhd is HcsFormatWritableLayerVhd: vhd is the open image.
func (c *Client) FormatWritableLayerVhd(vhd *os.File) error {
	return c.utilityErr(wire.FuncFormatWritableLayerVhd, vhd)
}

// GetLayerVhdMountPath is HcsGetLayerVhdMountPath: where the attached image is mounted.
func (c *Client) GetLayerVhdMountPath(vhd *os.File) (string, error) {
	return c.utility(wire.FuncGetLayerVhdMountPath, vhd)
}
