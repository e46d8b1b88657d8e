package storage

import (
	"encoding/json"
	"io"
	"os"
	"path/filepath"

	"golang.org/x/sys/unix"

	"github.com/linuxhcs/hcs/hresult"
	"github.com/linuxhcs/hcs/schema"
)

// chainFile, in a writable layer's data folder or a legacy folder, lists the parent layers
// the layer was initialised with (JSON, see layerChain).
const chainFile = "layerchain.json"

// layerChain is the content of chainFile.
type layerChain struct {
	// Parents are the parent layers, topmost first.
	Parents []string
	// MountPath, in a legacy folder, is where the layer's data volume was mounted.
	MountPath string `json:",omitempty"`
}

// InitializeWritableLayer is HcsInitializeWritableLayer: it makes writableLayerPath (missing,
// an empty directory, or already a writable layer) a writable layer over the read-only
// layers in layerData, which it records so that AttachLayerStorageFilter can be given an
// empty LayerData later. options is reserved: empty or any JSON document.
func InitializeWritableLayer(writableLayerPath, layerData, options string) error {
	if err := checkAbs("writableLayerPath", writableLayerPath); err != nil {
		return err
	}
	parents, err := checkedParents(layerData, options)
	if err != nil {
		return err
	}
	mu.Lock()
	defer mu.Unlock()
	fd, err := openLayerDir(writableLayerPath, KindWritable)
	if err != nil {
		return err
	}
	defer unix.Close(fd)
	if err := makeDataDirs(fd); err != nil {
		return hresult.Wrap(err, 0, "writable layer "+writableLayerPath)
	}
	if err := writeChain(fd, DataDir+"/"+chainFile, layerChain{Parents: parents}); err != nil {
		return hresult.Wrap(err, 0, "writable layer "+writableLayerPath)
	}
	return mark(fd, KindWritable, writableLayerPath)
}

// InitializeLegacyWritableLayer is HcsInitializeLegacyWritableLayer: the split layout. The
// layer's data (the overlay upper and work directories, in DataDir) goes on the volume
// mounted at mountPath, and folderPath (missing or empty) becomes the layer's folder,
// holding its layer chain. Attach it with AttachLayerStorageFilter(mountPath, ...), export
// it with ExportLegacyWritableLayer. options is reserved: empty or any JSON document.
func InitializeLegacyWritableLayer(mountPath, folderPath, layerData, options string) error {
	for what, p := range map[string]string{"writableLayerMountPath": mountPath, "writableLayerFolderPath": folderPath} {
		if err := checkAbs(what, p); err != nil {
			return err
		}
	}
	parents, err := checkedParents(layerData, options)
	if err != nil {
		return err
	}
	mu.Lock()
	defer mu.Unlock()
	mfd, err := unix.Open(mountPath, unix.O_DIRECTORY|unix.O_RDONLY|unix.O_CLOEXEC, 0)
	if err != nil {
		return sysError(err, "writable layer mount path "+mountPath)
	}
	defer unix.Close(mfd)
	if err := makeDataDirs(mfd); err != nil {
		return hresult.Wrap(err, 0, "writable layer volume "+mountPath)
	}
	ffd, err := openLayerDir(folderPath, KindLegacyFolder)
	if err != nil {
		return err
	}
	defer unix.Close(ffd)
	if err := writeChain(ffd, chainFile, layerChain{Parents: parents, MountPath: filepath.Clean(mountPath)}); err != nil {
		return hresult.Wrap(err, 0, "writable layer folder "+folderPath)
	}
	return mark(ffd, KindLegacyFolder, folderPath)
}

// checkedParents parses layerData, checks its layers are read-only layers, and checks the
// reserved options document is valid JSON.
func checkedParents(layerData, options string) ([]string, error) {
	var any json.RawMessage
	if err := schema.Decode(options, &any); err != nil {
		return nil, err
	}
	ld, err := parseLayerData(layerData)
	if err != nil {
		return nil, err
	}
	return parentPaths(ld)
}

// openLayerDir opens path as a directory to become a layer of kind: it is created (mode
// 0700) when missing; it may be empty or already that kind of layer, and not attached.
func openLayerDir(path string, kind Kind) (int, error) {
	if err := unix.Mkdir(path, 0o700); err != nil && err != unix.EEXIST {
		return -1, sysError(err, "creating "+path)
	}
	fd, err := unix.Open(path, unix.O_DIRECTORY|unix.O_RDONLY|unix.O_NOFOLLOW|unix.O_CLOEXEC, 0)
	if err != nil {
		return -1, sysError(err, "opening "+path)
	}
	if attached, _ := IsAttached(path); attached {
		unix.Close(fd)
		return -1, busy("%s is attached", path)
	}
	have, _ := getXattrAt(fd, "", markerXattr)
	names, _ := readNames(fd)
	if Kind(have) != kind && len(names) > 0 && !(kind == KindWritable && IsWritable(path)) {
		unix.Close(fd)
		return -1, invalidLayer(path, "neither empty nor a %s layer", kind)
	}
	return fd, nil
}

// makeDataDirs creates DataDir with its upper (0755) and work (0700) directories below the
// directory fd, keeping those already there.
func makeDataDirs(fd int) error {
	dfd, err := mkdirAllIn(fd, []string{DataDir})
	if err != nil {
		return sysError(err, "creating "+DataDir)
	}
	defer unix.Close(dfd)
	unix.Fchmod(dfd, 0o700)
	for name, mode := range map[string]uint32{"upper": 0o755, "work": 0o700} {
		if err := unix.Mkdirat(dfd, name, mode); err != nil && err != unix.EEXIST {
			return sysError(err, "creating "+DataDir+"/"+name)
		}
		if err := unix.Fchmodat(dfd, name, mode, 0); err != nil {
			return sysError(err, "creating "+DataDir+"/"+name)
		}
	}
	return nil
}

// writeChain writes the layer chain to name below the directory fd, atomically.
func writeChain(fd int, name string, c layerChain) error {
	if c.Parents == nil {
		c.Parents = []string{}
	}
	b, _ := json.MarshalIndent(c, "", "  ")
	dir, base := filepath.Split(name)
	dfd, err := openIn(fd, dir, unix.O_DIRECTORY|unix.O_RDONLY)
	if err != nil {
		return sysError(err, "opening "+dir)
	}
	defer unix.Close(dfd)
	unix.Unlinkat(dfd, base, 0)
	return writeAtomically(dfd, base, func(w io.Writer) error {
		_, err := w.Write(append(b, '\n'))
		return err
	})
}

// readChain reads the layer chain at name below the directory fd.
func readChain(fd int, name string) (layerChain, error) {
	var c layerChain
	f, err := openIn(fd, name, unix.O_RDONLY)
	if err != nil {
		return c, err
	}
	file := os.NewFile(uintptr(f), name)
	defer file.Close()
	err = json.NewDecoder(io.LimitReader(file, 1<<20)).Decode(&c)
	return c, err
}

// mark sets the layer marker of kind on the directory fd.
func mark(fd int, kind Kind, path string) error {
	if err := unix.Fsetxattr(fd, markerXattr, []byte(kind), 0); err != nil {
		return sysError(err, "marking "+path+" as a layer")
	}
	return nil
}
