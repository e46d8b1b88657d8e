// Package storage implements container layer storage, the computestorage.dll functions of
// HCS, on Linux: read-only layers are directories in overlayfs form made by ImportLayer from
// OCI/Docker layer tarballs (or SetupBaseOSLayer/Volume from disk images and volumes), and
// written back by ExportLayer; a writable layer keeps an overlay upper/work pair in its own
// hidden folder, and AttachLayerStorageFilter mounts the union of it over its parents on the
// writable layer's own path. Disk images are raw or fixed-VHD ext4 images, formatted with
// mkfs.ext4 and mounted through loop devices that are always released.
//
// A writable layer at path W keeps its data in the hidden folder W/.hcs-layer (upper/ and
// work/). Attaching mounts the union on W itself, so W shows the merged view, as an attached
// layer directory does on Windows; the hidden folder is then covered by the mount.
//
// Layers come from untrusted sources, so every file an import writes is resolved by the
// kernel relative to an open directory (openat2 with RESOLVE_IN_ROOT and no symbolic links),
// names with ".." are refused, device nodes and trusted.* attributes are refused, and each
// import is bounded by Limits. docs/layers.md gives the on-disk formats and every rule.
package storage
