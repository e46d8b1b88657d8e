package mux

import (
	"os"
	"testing"

	"golang.org/x/sys/unix"
)

// dupFD returns a close-on-exec duplicate of f's descriptor.
func dupFD(f *os.File) (int, error) {
	return unix.FcntlInt(f.Fd(), unix.F_DUPFD_CLOEXEC, 0)
}

func dupFDOr(t *testing.T, f *os.File) int {
	fd, err := dupFD(f)
	if err != nil {
		t.Error(err)
	}
	return fd
}
