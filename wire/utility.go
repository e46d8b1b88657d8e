package wire

// UtilityFunc names a synchronous HCS function that works on files rather than on a compute
// system: the container storage functions of computestorage.dll and the VM utility functions
// of computecore.dll. The names are the C functions' names.
type UtilityFunc string

// The storage functions (spec HCS-API.md §10), with the string arguments they take in order.
const (
	FuncImportLayer                   UtilityFunc = "HcsImportLayer"                   // layerPath, sourceFolderPath, layerData
	FuncExportLayer                   UtilityFunc = "HcsExportLayer"                   // layerPath, exportFolderPath, layerData, options
	FuncExportLegacyWritableLayer     UtilityFunc = "HcsExportLegacyWritableLayer"     // mountPath, folderPath, exportFolderPath, layerData
	FuncDestroyLayer                  UtilityFunc = "HcsDestroyLayer"                  // layerPath
	FuncSetupBaseOSLayer              UtilityFunc = "HcsSetupBaseOSLayer"              // layerPath, options; file: the VHD
	FuncSetupBaseOSVolume             UtilityFunc = "HcsSetupBaseOSVolume"             // layerPath, volumePath, options
	FuncInitializeWritableLayer       UtilityFunc = "HcsInitializeWritableLayer"       // writableLayerPath, layerData, options
	FuncInitializeLegacyWritableLayer UtilityFunc = "HcsInitializeLegacyWritableLayer" // mountPath, folderPath, layerData, options
	FuncAttachLayerStorageFilter      UtilityFunc = "HcsAttachLayerStorageFilter"      // layerPath, layerData
	FuncDetachLayerStorageFilter      UtilityFunc = "HcsDetachLayerStorageFilter"      // layerPath
	FuncFormatWritableLayerVhd        UtilityFunc = "HcsFormatWritableLayerVhd"        // file: the VHD
	FuncGetLayerVhdMountPath          UtilityFunc = "HcsGetLayerVhdMountPath"          // file: the VHD; returns the mount path
)

// The VM utility functions (spec HCS-API.md §9).
const (
	FuncCreateEmptyGuestStateFile               UtilityFunc = "HcsCreateEmptyGuestStateFile"               // guestStateFilePath
	FuncCreateEmptyRuntimeStateFile             UtilityFunc = "HcsCreateEmptyRuntimeStateFile"             // runtimeStateFilePath
	FuncGrantVmAccess                           UtilityFunc = "HcsGrantVmAccess"                           // vmId, filePath
	FuncRevokeVmAccess                          UtilityFunc = "HcsRevokeVmAccess"                          // vmId, filePath
	FuncGrantVmGroupAccess                      UtilityFunc = "HcsGrantVmGroupAccess"                      // filePath
	FuncRevokeVmGroupAccess                     UtilityFunc = "HcsRevokeVmGroupAccess"                     // filePath
	FuncGetProcessorCompatibilityFromSavedState UtilityFunc = "HcsGetProcessorCompatibilityFromSavedState" // runtimeFileName; returns a document
)
