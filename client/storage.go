package client

import (
	"context"
	"os"

	"github.com/linuxhcs/hcs/hresult"
	"github.com/linuxhcs/hcs/internal/fdconn"
	"github.com/linuxhcs/hcs/wire"
)

// The container storage functions of computestorage.dll (spec HCS-API.md §10). All are
// synchronous and run in the service, which does the mounting and the privileged file work;
// documents are validated there, and errors carry the HRESULT and a message naming the layer
// or field.

// utility runs a utility function in the service. Like every synchronous call it stops when
// ctx ends (see syncCall): an embedded host may stop the work where it notices, leaving it
// half done (a layer half imported), as an interrupted HCS call would.
func (c *Client) utility(ctx context.Context, fn wire.UtilityFunc, file *os.File, args ...string) (string, error) {
	if err := c.callable(ctx, string(fn)); err != nil {
		return "", err
	}
	// The call may outlive the caller's wait, and the caller may then close file: it gets a
	// descriptor of its own, or the number could name another file by the time it is sent.
	own, err := fdconn.Dup(file)
	if err != nil {
		return "", hresult.Wrap(err, hresult.E_INVALIDARG, string(fn)+": the VHD handle")
	}
	return runSync(c, ctx, string(fn), func(ctx context.Context) (string, error) {
		if own != nil {
			defer own.Close()
		}
		return c.svc.Utility(ctx, fn, args, own)
	}, nil)
}

func (c *Client) utilityErr(ctx context.Context, fn wire.UtilityFunc, file *os.File, args ...string) error {
	_, err := c.utility(ctx, fn, file, args...)
	return err
}

// ImportLayer is HcsImportLayer: it converts the layer in transport form in sourceFolderPath
// (layer.tar, layer.tar.gz, layer.tar.zst, or an extracted tree) into an on-host layer at
// layerPath. layerData is a LayerData document naming the parents.
func (c *Client) ImportLayer(ctx context.Context, layerPath, sourceFolderPath, layerData string) error {
	return c.utilityErr(ctx, wire.FuncImportLayer, nil, layerPath, sourceFolderPath, layerData)
}

// ExportLayer is HcsExportLayer: it writes the layer's transport form (layer.tar) into
// exportFolderPath. options is an ExportLayerOptions document.
func (c *Client) ExportLayer(ctx context.Context, layerPath, exportFolderPath, layerData, options string) error {
	return c.utilityErr(ctx, wire.FuncExportLayer, nil, layerPath, exportFolderPath, layerData, options)
}

// ExportLegacyWritableLayer is HcsExportLegacyWritableLayer.
func (c *Client) ExportLegacyWritableLayer(ctx context.Context, mountPath, folderPath, exportFolderPath, layerData string) error {
	return c.utilityErr(ctx, wire.FuncExportLegacyWritableLayer, nil, mountPath, folderPath, exportFolderPath, layerData)
}

// DestroyLayer is HcsDestroyLayer; it refuses what is not a layer, and layers in use.
func (c *Client) DestroyLayer(ctx context.Context, layerPath string) error {
	return c.utilityErr(ctx, wire.FuncDestroyLayer, nil, layerPath)
}

// SetupBaseOSLayer is HcsSetupBaseOSLayer: vhd is the open disk image (nil for a container
// base layer), options an OsLayerOptions document.
func (c *Client) SetupBaseOSLayer(ctx context.Context, layerPath string, vhd *os.File, options string) error {
	return c.utilityErr(ctx, wire.FuncSetupBaseOSLayer, vhd, layerPath, options)
}

// SetupBaseOSVolume is HcsSetupBaseOSVolume: a base OS layer from a mounted volume.
func (c *Client) SetupBaseOSVolume(ctx context.Context, layerPath, volumePath, options string) error {
	return c.utilityErr(ctx, wire.FuncSetupBaseOSVolume, nil, layerPath, volumePath, options)
}

// InitializeWritableLayer is HcsInitializeWritableLayer.
func (c *Client) InitializeWritableLayer(ctx context.Context, writableLayerPath, layerData, options string) error {
	return c.utilityErr(ctx, wire.FuncInitializeWritableLayer, nil, writableLayerPath, layerData, options)
}

// InitializeLegacyWritableLayer is HcsInitializeLegacyWritableLayer.
func (c *Client) InitializeLegacyWritableLayer(ctx context.Context, mountPath, folderPath, layerData, options string) error {
	return c.utilityErr(ctx, wire.FuncInitializeLegacyWritableLayer, nil, mountPath, folderPath, layerData, options)
}

// AttachLayerStorageFilter is HcsAttachLayerStorageFilter: the layer directory shows the union
// of the layer over its parents.
func (c *Client) AttachLayerStorageFilter(ctx context.Context, layerPath, layerData string) error {
	return c.utilityErr(ctx, wire.FuncAttachLayerStorageFilter, nil, layerPath, layerData)
}

// DetachLayerStorageFilter is HcsDetachLayerStorageFilter.
func (c *Client) DetachLayerStorageFilter(ctx context.Context, layerPath string) error {
	return c.utilityErr(ctx, wire.FuncDetachLayerStorageFilter, nil, layerPath)
}

// FormatWritableLayerVhd is HcsFormatWritableLayerVhd: vhd is the open image.
func (c *Client) FormatWritableLayerVhd(ctx context.Context, vhd *os.File) error {
	return c.utilityErr(ctx, wire.FuncFormatWritableLayerVhd, vhd)
}

// GetLayerVhdMountPath is HcsGetLayerVhdMountPath: where the attached image is mounted.
func (c *Client) GetLayerVhdMountPath(ctx context.Context, vhd *os.File) (string, error) {
	return c.utility(ctx, wire.FuncGetLayerVhdMountPath, vhd)
}
