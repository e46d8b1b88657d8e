package driver

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"

	"github.com/linuxhcs/hcs/hresult"
)

// ReadState reads the JSON state a driver kept in the file name of a system's state
// directory dir into v. A missing file gives false: the driver had written nothing yet.
func ReadState(dir, name string, v any) (bool, error) {
	b, err := os.ReadFile(filepath.Join(dir, name))
	if os.IsNotExist(err) {
		return false, nil
	}
	if err != nil {
		return false, hresult.Wrap(err, hresult.E_FAIL, "reading the driver's state")
	}
	if err := json.Unmarshal(b, v); err != nil {
		return false, hresult.Wrap(err, hresult.E_FAIL, "the driver's state")
	}
	return true, nil
}

// RecoverableState reads the state a driver kept for req (see ReadState), for Recover. A
// system the driver wrote no state for, or whose request lacks the driver's configuration
// (configured false), ended as far as the driver can tell: the error wraps ErrSystemGone.
func RecoverableState(req CreateRequest, name string, v any, configured bool) error {
	ok, err := ReadState(req.StateDir, name, v)
	if err != nil {
		return err
	}
	if !ok || !configured {
		return fmt.Errorf("compute system %s has no driver state: %w", req.ID, ErrSystemGone)
	}
	return nil
}
