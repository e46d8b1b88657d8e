package vm

import (
	"context"
	"fmt"
	"os"
	"time"

	"golang.org/x/sys/unix"

	"github.com/linuxhcs/hcs/hresult"
)

// vhostVsock is the device QEMU's vhost-vsock needs; the driver opens it and passes it.
const vhostVsock = "/dev/vhost-vsock"

// vsockAvailable reports whether /dev/vhost-vsock opens.
func vsockAvailable() bool {
	fd, err := unix.Open(vhostVsock, unix.O_RDWR|unix.O_CLOEXEC, 0)
	if err != nil {
		return false
	}
	unix.Close(fd)
	return true
}

// usesVsock reports whether the agent of this VM serves on vsock: the document asks for it
// (GuestConnection.UseVsock), the host has vhost-vsock and the driver boots the kernel
// itself (it tells the agent on the kernel command line). Otherwise it is virtio-serial.
func (s *System) usesVsock() bool {
	gc, c := s.cfg.GuestConnection, s.cfg.Chipset
	return gc != nil && gc.UseVsock && s.d.vsock && c != nil && c.LinuxKernelDirect != nil
}

// openVhostVsock opens the device for QEMU.
func openVhostVsock() (*os.File, error) {
	f, err := os.OpenFile(vhostVsock, os.O_RDWR, 0)
	return f, hresult.Wrap(err, hresult.E_FAIL, "open "+vhostVsock)
}

// dialVsock connects to the agent's vsock port in the guest, retrying while the guest
// boots, within ctx.
func dialVsock(ctx context.Context, cid, port uint32) (*os.File, error) {
	for {
		f, err := tryVsock(cid, port)
		if err == nil {
			return f, nil
		}
		select {
		case <-ctx.Done():
			return nil, fmt.Errorf("connect to vsock %d:%d: %w (last error: %v)", cid, port, ctx.Err(), err)
		case <-time.After(100 * time.Millisecond):
		}
	}
}

// tryVsock makes one connection attempt (a guest without a listener resets it at once).
func tryVsock(cid, port uint32) (*os.File, error) {
	fd, err := unix.Socket(unix.AF_VSOCK, unix.SOCK_STREAM|unix.SOCK_CLOEXEC, 0)
	if err != nil {
		return nil, err
	}
	if err := unix.Connect(fd, &unix.SockaddrVM{CID: cid, Port: port}); err != nil {
		unix.Close(fd)
		return nil, err
	}
	unix.SetNonblock(fd, true)
	return os.NewFile(uintptr(fd), "vsock"), nil
}
