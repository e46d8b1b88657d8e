package vm

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/linuxhcs/hcs/internal/testutil"
)

// espTools are the programs makeESP runs, with the Debian package of each.
var espTools = [][2]string{
	{"sfdisk", "fdisk"},
	{"mkfs.fat", "dosfstools"},
	{"mmd", "mtools"},
	{"mcopy", "mtools"},
	{"grub-mkstandalone", "grub-common"},
}

// grubEFIModules is where grub-efi-amd64-bin installs the modules grub-mkstandalone links.
const grubEFIModules = "/usr/lib/grub/x86_64-efi"

// espFiles is what goes into the EFI system partition, by path on the partition.
type espFiles map[string]string

// makeESP writes a raw disk image holding a GPT whose one partition is a FAT32 EFI system
// partition labelled label with \EFI\BOOT\BOOTX64.EFI (the removable-media path OVMF boots
// without a boot variable), a GRUB whose embedded grub.cfg loads /vmlinuz with cmdline and
// /initrd from the partition labelled label: the kernel comes from the disk the firmware
// booted, not from another ESP the VM has. The image is 0600 in a directory only root may
// search: a VM uses it through a grant alone. Everything is written without mounting
// (sfdisk and mkfs.fat on the file, mtools at the partition's offset), so no loop device is
// needed.
func makeESP(t *testing.T, label, kernel, initrdPath, cmdline string) string {
	t.Helper()
	for _, tool := range espTools {
		if _, err := exec.LookPath(tool[0]); err != nil {
			testutil.SkipOrFail(t, fmt.Sprintf("%s is not installed (scripts/setup.sh installs %s)", tool[0], tool[1]))
		}
	}
	if _, err := os.Stat(filepath.Join(grubEFIModules, "linux.mod")); err != nil {
		testutil.SkipOrFail(t, "GRUB's x86_64-efi modules are not installed (scripts/setup.sh installs grub-efi-amd64-bin)")
	}
	dir, err := os.MkdirTemp(env.dir, "esp-")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(dir) })
	os.Chmod(dir, 0o700)
	loader := filepath.Join(dir, "BOOTX64.EFI")
	buildGRUB(t, dir, loader, label, cmdline)
	files := espFiles{"/EFI/BOOT/BOOTX64.EFI": loader, "/vmlinuz": kernel, "/initrd": initrdPath}
	img := filepath.Join(dir, "esp.img")
	writeESP(t, img, label, files)
	return img
}

// buildGRUB writes a standalone GRUB EFI application to out whose memdisk holds the
// grub.cfg that boots the test kernel. Only the modules that configuration needs are linked
// in: the image stays ~600 KiB, which the firmware reads quickly under TCG.
func buildGRUB(t *testing.T, dir, out, label, cmdline string) {
	t.Helper()
	cfg := filepath.Join(dir, "grub.cfg")
	script := strings.Join([]string{
		"search --no-floppy --set=root --label " + label,
		"linux /vmlinuz " + cmdline,
		"initrd /initrd",
		"boot",
	}, "\n") + "\n"
	if err := os.WriteFile(cfg, []byte(script), 0o600); err != nil {
		t.Fatal(err)
	}
	runTool(t, "", "grub-mkstandalone", "-O", "x86_64-efi", "-d", grubEFIModules, "-o", out,
		"--modules=part_gpt fat", "--install-modules=normal search search_label part_gpt fat linux boot",
		"--locales=", "--fonts=", "--themes=", "boot/grub/grub.cfg="+cfg)
}

// Geometry of the ESP image, in 512-byte sectors: the partition starts at 1 MiB (sfdisk's
// alignment) and ends 1 MiB before the end of the disk, leaving room for the backup GPT.
const (
	espSector   = 512
	espStart    = 2048
	espMinBytes = 64 << 20 // FAT32 needs 65,525 clusters: over 32 MiB with 512-byte clusters
)

// writeESP creates img with a GPT, one EFI system partition formatted FAT32 and labelled
// label, and files.
func writeESP(t *testing.T, img, label string, files espFiles) {
	t.Helper()
	var need int64 = 8 << 20 // FATs, directories and slack
	for _, src := range files {
		fi, err := os.Stat(src)
		if err != nil {
			t.Fatal(err)
		}
		need += fi.Size()
	}
	size := max(int64(espMinBytes), (need+2*espStart*espSector+(1<<20)-1)&^((1<<20)-1))
	f, err := os.OpenFile(img, os.O_RDWR|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		t.Fatal(err)
	}
	err = f.Truncate(size)
	f.Close()
	if err != nil {
		t.Fatal(err)
	}
	sectors := size/espSector - 2*espStart
	runTool(t, fmt.Sprintf("label: gpt\nstart=%d, size=%d, type=C12A7328-F81F-11D2-BA4B-00A0C93EC93B, name=\"EFI system partition\"\n",
		espStart, sectors), "sfdisk", "--quiet", img)
	runTool(t, "", "mkfs.fat", "-F", "32", "-n", label, "--offset", fmt.Sprint(espStart), img, fmt.Sprint(sectors*espSector/1024))
	// mtools reaches the partition as IMAGE@@OFFSET; MTOOLS_SKIP_CHECK accepts a FAT whose
	// geometry fields do not describe a floppy.
	part := fmt.Sprintf("%s@@%d", img, espStart*espSector)
	for _, d := range []string{"::/EFI", "::/EFI/BOOT"} {
		runTool(t, "", "mmd", "-i", part, d)
	}
	for dst, src := range files {
		runTool(t, "", "mcopy", "-i", part, src, "::"+dst)
	}
}

// runTool runs a program with stdin and fails the test with its output if it fails.
func runTool(t *testing.T, stdin, name string, args ...string) {
	t.Helper()
	cmd := exec.Command(name, args...)
	cmd.Stdin = strings.NewReader(stdin)
	cmd.Env = append(os.Environ(), "MTOOLS_SKIP_CHECK=1")
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("%s %s: %v\n%s", name, strings.Join(args, " "), err, out)
	}
}
