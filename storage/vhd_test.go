package storage

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"golang.org/x/sys/unix"

	"github.com/linuxhcs/hcs/hresult"
	"github.com/linuxhcs/hcs/internal/testutil"
)

func TestVhdFooterMatchesQemu(t *testing.T) {
	if _, err := exec.LookPath("qemu-img"); err != nil {
		testutil.SkipOrFail(t, "qemu-img is needed (scripts/setup.sh installs qemu-utils)")
	}
	p := filepath.Join(t.TempDir(), "disk.vhd")
	if err := CreateVhd(p, 64<<20); err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command("qemu-img", "info", "-f", "vpc", p).CombinedOutput()
	if err != nil {
		t.Fatalf("qemu-img: %v\n%s", err, out)
	}
	// qemu checks the checksum, and sizes disks from other creators by their geometry.
	g := vhdGeometry(64 << 20)
	chs := int64(g>>16) * int64(g>>8&0xff) * int64(g&0xff) * 512
	if want := fmt.Sprintf("(%d bytes)", chs); !strings.Contains(string(out), want) {
		t.Errorf("qemu-img info does not give the geometry's %s:\n%s", want, out)
	}
}

func TestVhdFooterFields(t *testing.T) {
	f := makeVhdFooter(10<<30, time.Date(2000, 1, 1, 0, 1, 0, 0, time.UTC))
	info, ok, err := parseVhdFooter(f)
	if !ok || err != nil || info.diskType != vhdTypeFixed || info.size != 10<<30 {
		t.Fatalf("parse = %+v %v %v", info, ok, err)
	}
	if string(f[0:8]) != "conectix" || f[27] != 60 {
		t.Errorf("cookie or time stamp wrong: % x", f[:32])
	}
	f[100] ^= 1
	if _, ok, err := parseVhdFooter(f); !ok || err == nil {
		t.Errorf("a corrupt footer was accepted")
	}
	// The specification's examples: 127 MiB is 980/8/17... checked against qemu above; here
	// the large-disk branch caps at 65535 cylinders, 16 heads, 255 sectors.
	if g := vhdGeometry(1 << 41); g != 65535<<16|16<<8|255 {
		t.Errorf("geometry of 2 TiB = %#x", g)
	}
}

func TestFormatMountAndFindAVhd(t *testing.T) {
	testutil.RequireRoot(t)
	dir := scratch(t)
	p := filepath.Join(dir, "scratch.vhd")
	if err := CreateVhd(p, 32<<20); err != nil {
		t.Fatal(err)
	}
	f, err := os.OpenFile(p, os.O_RDWR, 0)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	footer := make([]byte, 512)
	f.ReadAt(footer, 32<<20)
	if err := FormatWritableLayerVhd(f); err != nil {
		t.Fatal(err)
	}
	after := make([]byte, 512)
	f.ReadAt(after, 32<<20)
	if string(after) != string(footer) {
		t.Fatal("formatting changed the VHD footer")
	}
	if _, err := GetLayerVhdMountPath(f); !hresult.Is(err, hresult.ERROR_NOT_FOUND) {
		t.Fatalf("mount path of a detached image: %v", err)
	}
	mnt := filepath.Join(dir, "mnt")
	os.Mkdir(mnt, 0o755)
	if err := MountLayerVhd(f, mnt); err != nil {
		t.Fatal(err)
	}
	got, err := GetLayerVhdMountPath(f)
	if err != nil || got != mnt {
		UnmountLayerVhd(mnt)
		t.Fatalf("GetLayerVhdMountPath = %q, %v", got, err)
	}
	if err := FormatWritableLayerVhd(f); !hresult.Is(err, errBusy) {
		t.Errorf("formatting a mounted image: %v", err)
	}
	if err := UnmountLayerVhd(mnt); err != nil {
		t.Fatal(err)
	}
	waitReleased(t, f)
}

func TestFormatRefusesDynamicVhds(t *testing.T) {
	f := makeVhdFooter(4<<20, time.Now())
	f[63] = vhdTypeDynamic
	f[64], f[65], f[66], f[67] = 0, 0, 0, 0
	sum := vhdChecksum(f)
	f[64], f[65], f[66], f[67] = byte(sum>>24), byte(sum>>16), byte(sum>>8), byte(sum)
	p := filepath.Join(t.TempDir(), "dyn.vhd")
	os.WriteFile(p, append(make([]byte, 4<<20), f...), 0o600)
	file, _ := os.OpenFile(p, os.O_RDWR, 0)
	defer file.Close()
	if err := FormatWritableLayerVhd(file); !hresult.Is(err, hresult.ERROR_NOT_SUPPORTED) {
		t.Fatalf("err = %v", err)
	}
	if err := FormatWritableLayerVhd(nil); !hresult.Is(err, hresult.E_INVALIDARG) {
		t.Fatalf("nil handle: %v", err)
	}
}

// waitReleased waits until no loop device is bound to the image f (autoclear runs when the
// last user goes, asynchronously), and fails the test if one stays.
func waitReleased(t testing.TB, f *os.File) {
	t.Helper()
	var st unix.Stat_t
	if err := unix.Fstat(int(f.Fd()), &st); err != nil {
		t.Fatal(err)
	}
	for i := 0; i < 100; i++ {
		if len(loopsOf(&st)) == 0 {
			return
		}
		time.Sleep(20 * time.Millisecond)
	}
	t.Errorf("loop devices still bound to %s: %v", f.Name(), loopsOf(&st))
}

// statOf returns the lstat of p.
func statOf(t testing.TB, p string) unix.Stat_t {
	t.Helper()
	var st unix.Stat_t
	if err := unix.Lstat(p, &st); err != nil {
		t.Fatal(err)
	}
	return st
}
