// Package storage manages container layers on the host: read-only layers (directories in
// overlayfs form), writable layers (an overlay upper/work pair kept inside the layer's own
// directory), and the union mount that HcsAttachLayerStorageFilter makes of a writable layer
// over its parents.
//
// A writable layer at path W keeps its data in the hidden folder W/.hcs-layer (upper/ and
// work/). Attaching mounts the union on W itself, so W shows the merged view, as an attached
// layer directory does on Windows; the hidden folder is then covered by the mount.
package storage
