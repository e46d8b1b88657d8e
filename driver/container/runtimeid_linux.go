package container

import (
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"os"
	"path/filepath"

	"github.com/linuxhcs/hcs/hresult"
)

// runtimeIDPrefix starts the name of everything the driver makes per container: the
// runtime's entry, the cgroup and the agent socket.
const runtimeIDPrefix = "hcs-"

// randomRuntimeID returns the prefix and 96 random bits. The name owes nothing to the
// compute-system id, so no choice of ids can give two systems the same runtime container;
// it is recorded in driver.json and read back on recovery.
func randomRuntimeID() (string, error) {
	var b [12]byte
	if _, err := rand.Read(b[:]); err != nil {
		return "", hresult.Wrap(err, hresult.E_FAIL, "allocating a runtime container id")
	}
	return runtimeIDPrefix + hex.EncodeToString(b[:]), nil
}

// allocateRuntimeID returns a new runtime container id for a container of rt.
func (d *Driver) allocateRuntimeID(rt *Runtime) (string, error) {
	newID := d.newRuntimeID
	if newID == nil {
		newID = randomRuntimeID
	}
	rid, err := newID()
	if err != nil {
		return "", err
	}
	return rid, d.checkNameFree(rt, rid)
}

// checkNameFree refuses a runtime container id whose runtime entry, cgroup or agent socket
// exists: whatever holds that name is not ours to replace or join, and our Close would tear
// it down.
func (d *Driver) checkNameFree(rt *Runtime, rid string) error {
	taken := []struct{ what, path string }{
		{rt.Name + " container " + rid, filepath.Join(rt.Root, rid)},
		{"cgroup " + rid, d.cgroupDir(rid)},
		{"agent socket " + rid + ".sock", filepath.Join(d.opts.SocketDir, rid+".sock")},
	}
	for _, t := range taken {
		if _, err := os.Lstat(t.path); err == nil {
			return hresult.Errorf(hresult.HCS_E_SYSTEM_ALREADY_EXISTS,
				"the %s already exists; refusing to take it over", t.what)
		}
	}
	return nil
}

// yieldName gives up rid, found taken by another container.
func (s *System) yieldName() {
	s.mu.Lock()
	s.nameTaken = true
	s.mu.Unlock()
}

// ownsSocket reports whether the agent socket at socketPath is this container's to remove.
func (s *System) ownsSocket() bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return !s.nameTaken
}

// unionMarkPrefix begins the mark (storage.AttachMarked) of every union this driver
// attaches: it names the driver's runtime root, by a digest, so that services sharing a host
// tell their unions apart.
func (d *Driver) unionMarkPrefix() string {
	sum := sha256.Sum256([]byte(d.opts.RuntimeRoot))
	return "hcs-container:" + hex.EncodeToString(sum[:8]) + ":"
}

// unionMark is the mark of the union on the root of the container the runtime knows as rid:
// the sweep finds it by that mark when the container's records are lost.
func (d *Driver) unionMark(rid string) string { return d.unionMarkPrefix() + rid }
