package hresult

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"strings"
	"syscall"
	"testing"
)

// A full filesystem is reported as ERROR_DISK_FULL however the error reached the caller:
// bare, inside a PathError, or wrapped in E_FAIL by code that did not look at it.
func TestNoSpaceIsDiskFull(t *testing.T) {
	for _, errno := range []syscall.Errno{syscall.ENOSPC, syscall.EDQUOT} {
		path := &fs.PathError{Op: "write", Path: "/state/systems/a/system.json", Err: errno}
		cases := map[string]error{
			"bare":                     errno,
			"path error":               path,
			"fmt wrap":                 fmt.Errorf("saving: %w", path),
			"Wrap in E_FAIL":           Wrap(path, E_FAIL, `compute system "a"`),
			"Wrap with no code":        Wrap(path, 0, `compute system "a"`),
			"Errorf E_FAIL":            Errorf(E_FAIL, "compute system %q: %w", "a", path),
			"E_FAIL *Error, rewrapped": fmt.Errorf("create: %w", &Error{Code: E_FAIL, Message: "x", Err: path}),
			"twice in E_UNEXPECTED":    Wrap(Wrap(path, E_FAIL, "inner"), E_UNEXPECTED, "outer"),
		}
		for name, err := range cases {
			if got := FromError(err); got != ERROR_DISK_FULL {
				t.Errorf("%v, %s: FromError = %s, want ERROR_DISK_FULL", errno, name, got)
			}
			w := Wrap(err, E_FAIL, `compute system "a"`)
			if FromError(w) != ERROR_DISK_FULL || !errors.Is(w, errno) || !errors.Is(w, ERROR_DISK_FULL) {
				t.Errorf("%v, %s: Wrap in E_FAIL = %v", errno, name, w)
			}
			if !strings.HasPrefix(w.Error(), `ERROR_DISK_FULL (0x80070070): compute system "a": `) {
				t.Errorf("%v, %s: message %q", errno, name, w)
			}
		}
	}
}

// A specific code the caller chose still wins over the cause: the caller knows better what
// the failure means for its operation.
func TestSpecificCodeWinsOverNoSpace(t *testing.T) {
	err := Wrap(syscall.ENOSPC, HCS_E_INVALID_LAYER, "layer /l")
	if FromError(err) != HCS_E_INVALID_LAYER {
		t.Errorf("Wrap(ENOSPC, HCS_E_INVALID_LAYER) = %v", err)
	}
	if got := FromError(fmt.Errorf("x: %w", New(HCS_E_INVALID_STATE, "y"))); got != HCS_E_INVALID_STATE {
		t.Errorf("FromError of a specific code = %s", got)
	}
	for _, other := range []error{syscall.EIO, os.ErrClosed, errors.New("boom")} {
		if got := FromError(Wrap(other, E_FAIL, "z")); got == ERROR_DISK_FULL {
			t.Errorf("%v is reported as a full disk", other)
		}
	}
}
