/*
 * computestorage.h - container layer storage (computestorage.dll on Windows) for Linux HCS,
 * implemented by libcomputecore.so. Signatures follow HCS-API.md §10; every function is
 * synchronous.
 */
#ifndef HCS_COMPUTESTORAGE_H
#define HCS_COMPUTESTORAGE_H

#include "hcs_types.h"

#ifdef __cplusplus
extern "C" {
#endif

HRESULT WINAPI HcsImportLayer(PCWSTR layerPath, PCWSTR sourceFolderPath, PCWSTR layerData);
HRESULT WINAPI HcsExportLayer(PCWSTR layerPath, PCWSTR exportFolderPath, PCWSTR layerData, PCWSTR options);
HRESULT WINAPI HcsExportLegacyWritableLayer(PCWSTR writableLayerMountPath, PCWSTR writableLayerFolderPath,
					    PCWSTR exportFolderPath, PCWSTR layerData);
HRESULT WINAPI HcsDestroyLayer(PCWSTR layerPath);
HRESULT WINAPI HcsSetupBaseOSLayer(PCWSTR layerPath, HANDLE vhdHandle, PCWSTR options);
HRESULT WINAPI HcsSetupBaseOSVolume(PCWSTR layerPath, PCWSTR volumePath, PCWSTR options);
HRESULT WINAPI HcsInitializeWritableLayer(PCWSTR writableLayerPath, PCWSTR layerData, PCWSTR options);
HRESULT WINAPI HcsInitializeLegacyWritableLayer(PCWSTR writableLayerMountPath, PCWSTR writableLayerFolderPath,
						PCWSTR layerData, PCWSTR options);
HRESULT WINAPI HcsAttachLayerStorageFilter(PCWSTR layerPath, PCWSTR layerData);
HRESULT WINAPI HcsDetachLayerStorageFilter(PCWSTR layerPath);
HRESULT WINAPI HcsFormatWritableLayerVhd(HANDLE vhdHandle);
HRESULT WINAPI HcsGetLayerVhdMountPath(HANDLE vhdHandle, PWSTR *mountPath);

#ifdef __cplusplus
}
#endif

#endif /* HCS_COMPUTESTORAGE_H */
