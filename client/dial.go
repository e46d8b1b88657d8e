package client

import (
	"context"
	"errors"
	"io/fs"
	"net"
	"os"
	"syscall"

	"github.com/linuxhcs/hcs/hresult"
	"github.com/linuxhcs/hcs/internal/rpc"
)

// DefaultSocket is where hcsd listens unless told otherwise.
const DefaultSocket = "/run/hcs/hcsd.sock"

// SocketEnv names the environment variable that overrides DefaultSocket.
const SocketEnv = "HCS_SOCKET"

// SocketPath returns the socket Dial uses when given none: $HCS_SOCKET when set, else
// DefaultSocket.
func SocketPath() string {
	if p := os.Getenv(SocketEnv); p != "" {
		return p
	}
	return DefaultSocket
}

// Dial connects to hcsd at socketPath (SocketPath() when empty) and returns a client with the
// same API as an embedded host's. ctx bounds the connection and the version handshake only;
// when it ends first, Dial fails as described at Operation.Wait (for a passed deadline,
// with HCS_E_CONNECTION_TIMEOUT).
//
// When the connection is lost later, every callback of the client receives
// EventServiceDisconnect and calls fail with HCS_E_SERVICE_DISCONNECT. Dial itself fails with
// HCS_E_SERVICE_NOT_AVAILABLE when no service listens there, HCS_E_ACCESS_DENIED when the
// caller may not use it (only root and members of group hcs may), and
// HCS_E_UNSUPPORTED_PROTOCOL_VERSION, naming both versions, when client and service differ.
func Dial(ctx context.Context, socketPath string) (*Client, error) {
	if socketPath == "" {
		socketPath = SocketPath()
	}
	var d net.Dialer
	c, err := d.DialContext(ctx, "unix", socketPath)
	if err != nil {
		return nil, dialError(socketPath, err)
	}
	rc, err := rpc.NewClient(ctx, c.(*net.UnixConn), rpc.ClientOptions{})
	if err != nil {
		return nil, err
	}
	return New(&remote{rc: rc}), nil
}

// dialError names what went wrong connecting to socketPath with the code a caller can act on.
func dialError(socketPath string, err error) error {
	switch {
	case errors.Is(err, fs.ErrNotExist), errors.Is(err, syscall.ECONNREFUSED):
		return hresult.Wrap(err, hresult.HCS_E_SERVICE_NOT_AVAILABLE,
			"no compute service answers at "+socketPath+" (is hcsd running? "+SocketEnv+" selects another socket)")
	case errors.Is(err, fs.ErrPermission):
		return hresult.Wrap(err, hresult.HCS_E_ACCESS_DENIED,
			"connecting to "+socketPath+": only root and members of group hcs may use the compute service")
	case errors.Is(err, context.DeadlineExceeded), errors.Is(err, os.ErrDeadlineExceeded):
		return hresult.Wrap(err, hresult.HCS_E_CONNECTION_TIMEOUT, "connecting to "+socketPath)
	case errors.Is(err, context.Canceled):
		return hresult.Wrap(err, hresult.HCS_E_OPERATION_ALREADY_CANCELLED, "connecting to "+socketPath)
	}
	return hresult.Wrap(err, hresult.HCS_E_CONNECT_FAILED, "connecting to "+socketPath)
}
