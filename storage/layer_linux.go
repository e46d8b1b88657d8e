package storage

import (
	"fmt"
	"path/filepath"
	"strconv"
	"sync"

	"golang.org/x/sys/unix"

	"github.com/linuxhcs/hcs/hresult"
	"github.com/linuxhcs/hcs/schema"
)

// Kind says what a layer directory holds; it is the value of the directory's
// trusted.hcs.layer extended attribute.
type Kind string

// Layer kinds.
const (
	// KindReadOnly is a layer made by ImportLayer or SetupBaseOSLayer/Volume: the directory
	// holds the layer's files in overlay form and is used as an overlay lower directory.
	KindReadOnly Kind = "read-only"
	// KindWritable is a writable layer made by InitializeWritableLayer (or PrepareWritable):
	// its data lives in the hidden folder DataDir and the union is attached on it.
	KindWritable Kind = "writable"
	// KindLegacyFolder is the folder half of a legacy writable layer, made by
	// InitializeLegacyWritableLayer: it holds the layer chain, the data lives on the volume.
	KindLegacyFolder Kind = "legacy-folder"
)

// maxParents is the most parent layers a layer chain may have.
const maxParents = 128

// mu serialises the calls that attach, detach, initialise and destroy layers, so that a
// layer cannot be destroyed while it is being attached in this process.
var mu sync.Mutex

// LayerKind returns the kind of the layer at path, or "" when path is not a layer (no
// marker, a symbolic link, missing). An attached writable layer shows its union, not its
// marker: check IsAttached first.
func LayerKind(path string) (Kind, error) {
	var v [64]byte
	n, err := unix.Lgetxattr(path, markerXattr, v[:])
	if isErrno(err, unix.ENODATA, unix.ENOTSUP, unix.ERANGE, unix.ENOENT) {
		return "", nil
	}
	if err != nil {
		return "", sysError(err, "layer "+path)
	}
	return Kind(v[:n]), nil
}

// parseLayerData decodes and checks a LayerData document: at most maxParents layers, each
// an absolute path given once. An empty document lists no layers.
func parseLayerData(doc string) (*schema.LayerData, error) {
	ld := &schema.LayerData{}
	if err := schema.Decode(doc, ld); err != nil {
		return nil, err
	}
	if len(doc) > 0 {
		if err := ld.Validate(); err != nil {
			return nil, err
		}
	}
	if len(ld.Layers) > maxParents {
		return nil, invalidArg("LayerData.Layers: %d layers, more than the limit of %d", len(ld.Layers), maxParents)
	}
	seen := map[string]bool{}
	for i, l := range ld.Layers {
		field := fmt.Sprintf("LayerData.Layers[%d]", i)
		if l.PathType != "" && l.PathType != schema.PathTypeAbsolutePath {
			return nil, hresult.Errorf(hresult.ERROR_NOT_SUPPORTED, "%s.PathType: %q is not supported on Linux", field, l.PathType)
		}
		if err := checkAbs(field+".Path", l.Path); err != nil {
			return nil, err
		}
		p := filepath.Clean(l.Path)
		if seen[p] {
			return nil, invalidArg("%s.Path: %s is listed twice", field, l.Path)
		}
		seen[p] = true
	}
	return ld, nil
}

// parentPaths returns the paths of the layers in ld, topmost first, checking that each can
// be a parent (see checkParentLayer).
func parentPaths(ld *schema.LayerData) ([]string, error) {
	var paths []string
	for i, l := range ld.Layers {
		p := filepath.Clean(l.Path)
		if err := checkParentLayer(fmt.Sprintf("LayerData.Layers[%d].Path", i), p); err != nil {
			return nil, err
		}
		paths = append(paths, p)
	}
	return paths, nil
}

// checkParentLayer accepts as a parent layer a read-only layer or a plain directory (one
// with no layer marker), since a container takes any directory tree as a read-only layer
// and the layer calls should not be stricter. A writable layer or a legacy folder is
// refused: its files are not in the directory itself, where the union would look.
func checkParentLayer(field, p string) error {
	kind, err := LayerKind(p)
	if err != nil {
		return err
	}
	if kind != "" && kind != KindReadOnly {
		return invalidLayer(field, "%s is a %s layer, not a read-only layer or a plain directory", p, kind)
	}
	return checkParent(p)
}

// realPath returns the canonical path of the directory fd (as mountinfo shows paths).
func realPath(fd int) (string, error) {
	buf := make([]byte, 4096)
	n, err := unix.Readlink("/proc/self/fd/"+strconv.Itoa(fd), buf)
	if err != nil {
		return "", err
	}
	return string(buf[:n]), nil
}

// inUse reports, as an errBusy error, whether the directory real (a canonical path) is
// attached or in use: a mount point, holding a mount, or a layer of a mounted union.
func inUse(real string) error {
	list, err := mounts()
	if err != nil {
		return sysError(err, "reading the mount table")
	}
	for _, m := range list {
		if within(m.point, real) {
			return busy("%s is attached or holds a mount (%s on %s)", real, m.fstype, m.point)
		}
		for _, d := range m.layers {
			if within(d, real) {
				return busy("%s is a layer of the union mounted on %s", real, m.point)
			}
		}
	}
	return nil
}
