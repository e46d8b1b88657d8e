package agent

import (
	"os"
	"path/filepath"
	"slices"
	"testing"
)

// TestTagMounts: only 9p mounts of the tag are found, in mount order, with escaped paths
// decoded.
func TestTagMounts(t *testing.T) {
	info := "22 1 0:21 / /proc rw - proc proc rw\n" +
		"40 1 0:40 / /mnt/a rw,relatime shared:1 - 9p share rw,trans=virtio\n" +
		"41 1 0:41 / /mnt/other rw - 9p other rw\n" +
		"42 40 0:42 / /mnt/a/with\\040space rw - 9p share rw\n" +
		"43 1 0:43 / /mnt/share rw - ext4 share rw\n"
	path := filepath.Join(t.TempDir(), "mountinfo")
	if err := os.WriteFile(path, []byte(info), 0o600); err != nil {
		t.Fatal(err)
	}
	got, err := tagMounts(path, "share")
	if want := []string{"/mnt/a", "/mnt/a/with space"}; err != nil || !slices.Equal(got, want) {
		t.Errorf("tagMounts: %q, %v; want %q", got, err, want)
	}
}
