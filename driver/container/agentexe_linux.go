package container

import (
	"io"
	"os"
	"sync"

	"golang.org/x/sys/unix"

	"github.com/linuxhcs/hcs/hresult"
)

// agentImage holds the hcs-agent binary in a sealed memfd. Each container's init is started
// from a duplicate of it as /proc/self/fd/N: the container's root stays untouched, and the
// seals make the image unwritable, so a process in the container cannot replace its own
// init through /proc/1/exe. The driver loads it when it is made: every container of one
// service then runs the same agent even if the binary on disk is replaced meanwhile, and the
// service holds the same descriptors before its first container as after its last.
type agentImage struct {
	path string

	once sync.Once
	fd   *os.File
	err  error
}

// load copies the binary into the sealed image, once.
func (a *agentImage) load() error {
	a.once.Do(func() { a.fd, a.err = sealedCopy(a.path) })
	return a.err
}

// file returns a new descriptor of the sealed image (the caller closes it).
func (a *agentImage) file() (*os.File, error) {
	if err := a.load(); err != nil {
		return nil, err
	}
	fd, err := unix.FcntlInt(a.fd.Fd(), unix.F_DUPFD_CLOEXEC, 0)
	if err != nil {
		return nil, hresult.Wrap(err, hresult.E_FAIL, "duplicating the agent image")
	}
	return os.NewFile(uintptr(fd), "hcs-agent"), nil
}

// sealedCopy copies path into a new memfd and seals it against every change.
func sealedCopy(path string) (*os.File, error) {
	src, err := os.Open(path)
	if err != nil {
		return nil, hresult.Wrap(err, hresult.HCS_E_SERVICE_NOT_AVAILABLE, "hcs-agent binary (build it with make)")
	}
	defer src.Close()
	fd, err := unix.MemfdCreate("hcs-agent", unix.MFD_CLOEXEC|unix.MFD_ALLOW_SEALING)
	if err != nil {
		return nil, hresult.Wrap(err, hresult.E_FAIL, "memfd for the agent image")
	}
	mem := os.NewFile(uintptr(fd), "hcs-agent")
	if _, err := io.Copy(mem, src); err != nil {
		mem.Close()
		return nil, hresult.Wrap(err, hresult.E_FAIL, "copying the agent image")
	}
	seals := unix.F_SEAL_SEAL | unix.F_SEAL_SHRINK | unix.F_SEAL_GROW | unix.F_SEAL_WRITE
	if _, err := unix.FcntlInt(mem.Fd(), unix.F_ADD_SEALS, seals); err != nil {
		mem.Close()
		return nil, hresult.Wrap(err, hresult.E_FAIL, "sealing the agent image")
	}
	return mem, nil
}

// close releases the image.
func (a *agentImage) close() {
	if a.fd != nil {
		a.fd.Close()
	}
}
