package hresult

import (
	"errors"
	"syscall"
)

// causes are system errors whose code says why something failed whatever the operation: a
// write that found no room fails for lack of room whether it wrote a layer, a state record or
// a crash report. Wrapping one in a generic code keeps the cause's code (mostSpecific), so
// that every path that meets a full filesystem reports ERROR_DISK_FULL, not E_FAIL.
var causes = []struct {
	err  error
	code HRESULT
}{
	{syscall.ENOSPC, ERROR_DISK_FULL},
	// Windows reports an exceeded quota as a full disk too.
	{syscall.EDQUOT, ERROR_DISK_FULL},
}

// causeCode is the code of the first of causes found in err's chain, or zero.
func causeCode(err error) HRESULT {
	for _, c := range causes {
		if errors.Is(err, c.err) {
			return c.code
		}
	}
	return 0
}
