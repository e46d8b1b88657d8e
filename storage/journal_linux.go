package storage

import (
	"encoding/json"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"sync"

	"golang.org/x/sys/unix"

	"github.com/linuxhcs/hcs/hresult"
	"github.com/linuxhcs/hcs/internal/durable"
)

// journal is the directory in which stage records the layers being staged (RecordStaging);
// empty records nothing. Layers are created at paths the callers choose, so a service
// restarted after a crash finds the staging directories it left only through these records.
var journal struct {
	sync.Mutex
	dir string
}

// stagingRecord says where a layer is being staged: its staging directories are the ones
// hiddenName gives Base in Parent.
type stagingRecord struct {
	Parent string `json:"Parent"`
	Base   string `json:"Base"`
}

// RecordStaging makes the layers this process creates from now on (ImportLayer,
// SetupBaseOSLayer, the writable layers) leave a record in dir while they are staged, so that
// SweepStaging(dir), run by the service that starts after a crash, removes the staging
// directories the crash left. dir is created (0700) when missing; "" stops the records.
func RecordStaging(dir string) error {
	if dir != "" {
		if err := checkAbs("dir", dir); err != nil {
			return err
		}
		if err := os.MkdirAll(dir, 0o700); err != nil {
			return sysError(err, "staging records "+dir)
		}
	}
	journal.Lock()
	defer journal.Unlock()
	journal.dir = dir
	return nil
}

// recordStaging writes the record of a layer about to be staged in parent under base, and
// returns the function that removes it; with no journal it writes nothing.
func recordStaging(parent, base string) (func(), error) {
	journal.Lock()
	dir := journal.dir
	journal.Unlock()
	if dir == "" {
		return func() {}, nil
	}
	b, err := json.Marshal(stagingRecord{Parent: filepath.Clean(parent), Base: base})
	if err != nil {
		return nil, hresult.Wrap(err, hresult.E_FAIL, "staging record")
	}
	path := filepath.Join(dir, "staging-"+randomSuffix()+randomSuffix()+".json")
	if err := durable.WriteFile(path, b, 0o600); err != nil {
		var pe *fs.PathError
		if errors.As(err, &pe) {
			err = pe.Err // the record's path is the service's business, not the caller's
		}
		return nil, sysError(err, "layer "+filepath.Join(parent, base)+": recording its staging in the service's state")
	}
	return func() { os.Remove(path) }, nil
}

// SweepStaging removes the staging directories recorded in dir (RecordStaging) that no
// process holds, and the records, and returns the directories it removed. It touches nothing
// a record does not name: only directories named as that layer's staging directories are.
// A record that cannot be read or names no layer is removed; one whose directories could not
// all be removed, or that a running import holds, is kept for the next sweep, and the error
// says why a removal failed.
func SweepStaging(dir string) ([]string, error) {
	entries, err := os.ReadDir(dir)
	if errors.Is(err, os.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, sysError(err, "staging records "+dir)
	}
	var removed []string
	var errs []error
	for _, e := range entries {
		if !strings.HasPrefix(e.Name(), "staging-") || !strings.HasSuffix(e.Name(), ".json") {
			continue
		}
		path := filepath.Join(dir, e.Name())
		gone, held, err := sweepRecord(path)
		removed = append(removed, gone...)
		if err != nil {
			errs = append(errs, err)
		}
		if err == nil && !held {
			os.Remove(path)
		}
	}
	return removed, errors.Join(errs...)
}

// sweepRecord removes the staging directories the record at path names that no process
// holds, and says whether a process holds one. A record that cannot be read or names no
// layer names nothing to remove.
func sweepRecord(path string) ([]string, bool, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, false, nil
	}
	var r stagingRecord
	if json.Unmarshal(b, &r) != nil || !filepath.IsAbs(r.Parent) || !validBase(r.Base) {
		return nil, false, nil
	}
	pfd, err := unix.Open(r.Parent, unix.O_DIRECTORY|unix.O_RDONLY|unix.O_CLOEXEC, 0)
	if errors.Is(err, unix.ENOENT) {
		return nil, false, nil
	}
	if err != nil {
		return nil, false, sysError(err, "layer folder "+r.Parent)
	}
	defer unix.Close(pfd)
	return sweepReporting(pfd, r.Parent, r.Base)
}

// validBase reports whether base can be the last element of a layer path.
func validBase(base string) bool {
	return base != "" && base != "." && base != ".." && !strings.Contains(base, "/")
}
