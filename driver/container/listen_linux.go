package container

import (
	"net"
	"os"

	"github.com/linuxhcs/hcs/hresult"
)

// agentListener is the unix socket the container's agent listens on, created by the driver
// and handed to the agent as a descriptor. Its path is short (socket addresses hold 108
// bytes) and lives in the driver's socket directory on the host, never inside the
// container.
type agentListener struct {
	path string
	file *os.File
	ln   *net.UnixListener
}

func listenAgent(path string) (*agentListener, error) {
	os.Remove(path)
	ln, err := net.ListenUnix("unix", &net.UnixAddr{Name: path, Net: "unix"})
	if err != nil {
		return nil, hresult.Wrap(err, hresult.E_FAIL, "agent socket")
	}
	ln.SetUnlinkOnClose(false)
	f, err := ln.File()
	if err != nil {
		ln.Close()
		return nil, hresult.Wrap(err, hresult.E_FAIL, "agent socket")
	}
	return &agentListener{path: path, file: f, ln: ln}, nil
}

// Close closes the driver's copies; the agent keeps its own descriptor.
func (l *agentListener) Close() {
	l.file.Close()
	l.ln.Close()
}
