package storage

import (
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"golang.org/x/sys/unix"
)

// loopDev is a loop device this package configured. It is set to clear itself (autoclear)
// when its last user goes: close releases this package's descriptor, so the device lives
// exactly as long as a mount of it.
type loopDev struct {
	fd   int
	path string
}

// attachLoop binds the first size bytes of f to a free loop device (LOOP_CTL_GET_FREE, then
// LOOP_CONFIGURE with autoclear). It retries when another process takes the device first.
func attachLoop(f *os.File, size int64, readOnly bool) (*loopDev, error) {
	ctl, err := unix.Open("/dev/loop-control", unix.O_RDWR|unix.O_CLOEXEC, 0)
	if err != nil {
		return nil, sysError(err, "opening /dev/loop-control")
	}
	defer unix.Close(ctl)
	cfg := unix.LoopConfig{Fd: uint32(f.Fd())}
	cfg.Info.Sizelimit = uint64(size)
	cfg.Info.Flags = unix.LO_FLAGS_AUTOCLEAR
	mode := unix.O_RDWR
	if readOnly {
		cfg.Info.Flags |= unix.LO_FLAGS_READ_ONLY
		mode = unix.O_RDONLY
	}
	for try := 0; try < 16; try++ {
		n, err := unix.IoctlRetInt(ctl, unix.LOOP_CTL_GET_FREE)
		if err != nil {
			return nil, sysError(err, "finding a free loop device")
		}
		path := "/dev/loop" + strconv.Itoa(n)
		fd, err := unix.Open(path, mode|unix.O_CLOEXEC, 0)
		if err != nil {
			return nil, sysError(err, "opening "+path)
		}
		err = unix.IoctlLoopConfigure(fd, &cfg)
		if err == nil {
			return &loopDev{fd: fd, path: path}, nil
		}
		unix.Close(fd)
		if err != unix.EBUSY {
			return nil, sysError(err, "configuring "+path)
		}
	}
	return nil, busy("no free loop device after 16 tries")
}

// close releases this package's descriptor of the device.
func (l *loopDev) close() {
	if l.fd >= 0 {
		unix.Close(l.fd)
		l.fd = -1
	}
}

// loopsOf lists the "major:minor" numbers of the loop devices backed by the file st
// describes.
func loopsOf(st *unix.Stat_t) []string {
	dirs, _ := filepath.Glob("/sys/block/loop*")
	var devs []string
	for _, d := range dirs {
		if _, err := os.Stat(filepath.Join(d, "loop")); err != nil {
			continue // not bound
		}
		fd, err := unix.Open("/dev/"+filepath.Base(d), unix.O_RDONLY|unix.O_CLOEXEC|unix.O_NONBLOCK, 0)
		if err != nil {
			continue
		}
		info, err := unix.IoctlLoopGetStatus64(fd)
		unix.Close(fd)
		if err != nil || info.Device != st.Dev || info.Inode != st.Ino {
			continue
		}
		if b, err := os.ReadFile(filepath.Join(d, "dev")); err == nil {
			devs = append(devs, strings.TrimSpace(string(b)))
		}
	}
	return devs
}

// devNumber formats a device number as mountinfo does.
func devNumber(rdev uint64) string {
	return fmt.Sprintf("%d:%d", unix.Major(rdev), unix.Minor(rdev))
}
