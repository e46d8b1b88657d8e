package storage

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/linuxhcs/hcs/hresult"
	"github.com/linuxhcs/hcs/internal/testutil"
)

// newVhd creates a fixed VHD of size bytes in dir and opens it read-write.
func newVhd(t *testing.T, dir string, size int64) *os.File {
	t.Helper()
	p := filepath.Join(dir, "disk.vhd")
	if err := CreateVhd(p, size); err != nil {
		t.Fatal(err)
	}
	f, err := os.OpenFile(p, os.O_RDWR, 0)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { f.Close() })
	return f
}

func TestBaseOSLayerThroughADiskImage(t *testing.T) {
	testutil.RequireRoot(t)
	base := scratch(t)
	l1, _ := busyboxLayers(t, base)
	vhd := newVhd(t, base, 64<<20)
	if err := SetupBaseOSLayer(l1, vhd, `{"Type":"Vm"}`); err != nil {
		t.Fatal(err) // builds the image from the layer
	}
	copyOf := filepath.Join(base, "from-image")
	if err := SetupBaseOSLayer(copyOf, vhd, `{"Type":"Container"}`); err != nil {
		t.Fatal(err) // makes a layer from the image
	}
	waitReleased(t, vhd)
	m1, m2 := treeMeta(t, l1), treeMeta(t, copyOf)
	for p, v := range m1 {
		if m2[p] != v {
			t.Errorf("%s differs:\n  layer %s\n  image %s", p, v, m2[p])
		}
	}
	if len(m1) != len(m2) {
		t.Errorf("%d entries in the layer, %d from the image", len(m1), len(m2))
	}
	if err := SetupBaseOSLayer(copyOf, nil, ""); err != nil {
		t.Errorf("checking an existing layer: %v", err)
	}
	wantCode(t, SetupBaseOSLayer(filepath.Join(base, "none"), nil, ""), hresult.HCS_E_INVALID_LAYER, "no disk image")
	wantCode(t, SetupBaseOSLayer(copyOf, vhd, `{"Type":"Mainframe"}`), hresult.HCS_E_INVALID_JSON, "Mainframe")
}

func TestBaseOSLayerFromAnImageWithoutAFilesystem(t *testing.T) {
	testutil.RequireRoot(t)
	base := scratch(t)
	vhd := newVhd(t, base, 8<<20)
	err := SetupBaseOSLayer(filepath.Join(base, "L"), vhd, "")
	wantCode(t, err, hresult.HCS_E_INVALID_LAYER, "no ext4 filesystem")
	waitReleased(t, vhd)
	if left, _ := os.ReadDir(base); len(left) != 1 {
		t.Errorf("left behind: %v", left)
	}
}

func TestBaseOSVolumeAndLegacyWritableLayer(t *testing.T) {
	testutil.RequireRoot(t)
	base := scratch(t)
	l1, l2 := busyboxLayers(t, base)
	vhd := newVhd(t, base, 64<<20)
	if err := FormatWritableLayerVhd(vhd); err != nil {
		t.Fatal(err)
	}
	mnt := filepath.Join(base, "volume")
	os.Mkdir(mnt, 0o755)
	if err := MountLayerVhd(vhd, mnt); err != nil {
		t.Fatal(err)
	}
	defer waitReleased(t, vhd)
	defer UnmountLayerVhd(mnt)
	if p, err := GetLayerVhdMountPath(vhd); err != nil || p != mnt {
		t.Fatalf("mount path %q, %v", p, err)
	}
	if err := SetupBaseOSVolume(l1, mnt, `{"Type":"Container"}`); err != nil {
		t.Fatal(err) // copies the layer onto the volume
	}
	back := filepath.Join(base, "back")
	if err := SetupBaseOSVolume(back, mnt, ""); err != nil {
		t.Fatal(err) // and a layer from the volume
	}
	if a, b := len(treeMeta(t, l1)), len(treeMeta(t, back)); a != b {
		t.Errorf("%d entries in the layer, %d from the volume", a, b)
	}
	wantCode(t, SetupBaseOSVolume(l1, mnt, ""), hresult.ERROR_ALREADY_EXISTS, "not empty")
	legacyOnVolume(t, base, mnt, l2, l1)
}

// legacyOnVolume uses the split layout: data on the volume at mnt, a folder elsewhere.
func legacyOnVolume(t *testing.T, base, mnt string, parents ...string) {
	folder := filepath.Join(base, "legacy-folder")
	if err := InitializeLegacyWritableLayer(mnt, folder, layerData(parents...), `{}`); err != nil {
		t.Fatal(err)
	}
	if kind, _ := LayerKind(folder); kind != KindLegacyFolder {
		t.Errorf("folder kind %q", kind)
	}
	if err := AttachLayerStorageFilter(mnt, layerData(parents...)); err != nil {
		t.Fatal(err)
	}
	checkUnion(t, mnt)
	os.WriteFile(filepath.Join(mnt, "etc/added"), []byte("a"), 0o644)
	if err := DetachLayerStorageFilter(mnt); err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(base, "legacy-export")
	os.Mkdir(out, 0o755)
	if err := ExportLegacyWritableLayer(mnt, folder, out, ""); err != nil {
		t.Fatal(err)
	}
	b, _ := os.ReadFile(filepath.Join(out, LayerTar))
	if names := tarNames(t, b); !contains(names, "etc/added") {
		t.Errorf("legacy export holds %v", names)
	}
	wantCode(t, ExportLegacyWritableLayer(mnt, base, out, ""), hresult.HCS_E_INVALID_LAYER, "legacy")
	if err := DestroyLayer(folder); err != nil {
		t.Fatal(err)
	}
	wantCode(t, DestroyLayer(mnt), errBusy, "mount")
}

func TestBaseOSLayerFromAnImageFollowsTheImportRules(t *testing.T) {
	testutil.RequireRoot(t)
	base := scratch(t)
	rich := filepath.Join(base, "rich")
	if err := Import(rich, sourceWith(t, base, LayerTar, richLayer(t)), "", ImportOptions{AllowDevices: true}); err != nil {
		t.Fatal(err)
	}
	vhd := newVhd(t, base, 16<<20)
	if err := SetupBaseOSLayer(rich, vhd, ""); err != nil {
		t.Fatal(err)
	}
	before := snapshot(t, base, base)
	err := SetupBaseOSLayer(filepath.Join(base, "copy"), vhd, "")
	wantCode(t, err, hresult.HCS_E_INVALID_LAYER, "disk image", "dev/", "device nodes are not allowed")
	waitReleased(t, vhd)
	if d := before.diff(snapshot(t, base, base)); len(d) > 0 {
		t.Errorf("a refused image changed the host: %v", d)
	}
}
