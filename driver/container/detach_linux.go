package container

import (
	"errors"
	"time"

	"golang.org/x/sys/unix"

	"github.com/linuxhcs/hcs/storage"
)

// detachPatience bounds the wait for a dead container's mount namespace to let go of its
// root: after an init dies by surprise (an OOM kill), the last processes of the namespace
// may still be exiting when the driver releases the container.
const detachPatience = 3 * time.Second

// detachRoot detaches the union from the container's root, retrying while the mount is busy,
// and finally detaching it lazily so a stopped container never leaves it mounted.
func detachRoot(path string) error {
	deadline := time.Now().Add(detachPatience)
	for {
		err := storage.Detach(path)
		if err == nil || !errors.Is(err, unix.EBUSY) {
			return err
		}
		if time.Now().After(deadline) {
			if lerr := unix.Unmount(path, unix.MNT_DETACH); lerr != nil {
				return err
			}
			return nil
		}
		time.Sleep(20 * time.Millisecond)
	}
}
