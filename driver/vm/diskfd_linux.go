package vm

import (
	"context"
	"strconv"
	"strings"

	"github.com/linuxhcs/hcs/driver/vm/qmp"
)

// diskFdsetBase is the first QEMU fd set id of hot-added disks; the id of a disk follows
// from its controller and LUN, so it is known again after a service restart.
const diskFdsetBase = 1000

// diskFdset returns the fd set id of the disk at lun of the QEMU controller ctrl ("scsiI").
func diskFdset(ctrl, lun string) int {
	i, _ := strconv.Atoi(strings.TrimPrefix(ctrl, "scsi"))
	n, _ := strconv.Atoi(lun)
	return diskFdsetBase + i*(maxLUN+1) + n
}

// passDisk opens a hot-added disk with the VM's rights (see openBootFile) and hands it to
// QEMU in an fd set, returning the path QEMU opens it by, /dev/fdset/N. A writable disk
// gets a read-only descriptor too: QEMU picks the one whose access mode matches each open.
func (s *System) passDisk(ctx context.Context, m *qmp.Client, ctrl, lun, path, field string, readOnly bool) (string, error) {
	id := diskFdset(ctrl, lun)
	s.dropFdset(ctx, m, id) // left by an add that failed
	modes := []bool{false}
	if !readOnly {
		modes = []bool{true, false} // the writable first, so a refusal says what the disk needs
	}
	for _, write := range modes {
		f, err := s.openBootFile(InheritedFile{Role: RoleBootFile, Path: path, Field: field, Write: write})
		if err != nil {
			s.dropFdset(ctx, m, id)
			return "", err
		}
		err = m.ExecuteWithFile(ctx, "add-fd", map[string]any{"fdset-id": id}, f, nil)
		f.Close()
		if err != nil {
			s.dropFdset(ctx, m, id)
			return "", err
		}
	}
	return "/dev/fdset/" + strconv.Itoa(id), nil
}

// dropFdset releases QEMU's descriptors of a disk's fd set once the disk is gone (or was
// never added), best effort. The set stays while the disk is attached, for QEMU may open
// the file again (to change its access mode).
func (s *System) dropFdset(ctx context.Context, m *qmp.Client, id int) {
	m.Execute(ctx, "remove-fd", map[string]any{"fdset-id": id}, nil)
}
