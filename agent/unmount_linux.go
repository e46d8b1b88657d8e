package agent

import (
	"bufio"
	"fmt"
	"os"
	"slices"
	"strings"

	"golang.org/x/sys/unix"

	"github.com/linuxhcs/hcs/hresult"
)

// unmountTag unmounts every 9p mount of tag listed in mountinfo, the last mounted first. A
// mount that is busy stays and fails the call (ERROR_BUSY), so the host does not unplug a
// device the guest still uses.
func unmountTag(mountinfo, tag string) error {
	points, err := tagMounts(mountinfo, tag)
	if err != nil {
		return err
	}
	for _, p := range slices.Backward(points) {
		if err := unix.Unmount(p, 0); err != nil {
			return hresult.Wrap(err, hresult.ERROR_BUSY, fmt.Sprintf("unmount the 9p share %q from %s in the guest", tag, p))
		}
	}
	return nil
}

// tagMounts returns the mount points of the 9p mounts of tag, in mount order.
func tagMounts(mountinfo, tag string) ([]string, error) {
	f, err := os.Open(mountinfo)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	var points []string
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		// ID PARENT MAJ:MIN ROOT POINT OPTIONS [OPTIONAL...] - FSTYPE SOURCE SUPEROPTIONS
		pre, post, ok := strings.Cut(sc.Text(), " - ")
		fields, tail := strings.Fields(pre), strings.Fields(post)
		if ok && len(fields) >= 5 && len(tail) >= 2 && tail[0] == "9p" && tail[1] == tag {
			points = append(points, unescapeMountPath(fields[4]))
		}
	}
	return points, sc.Err()
}

// unescapeMountPath undoes mountinfo's octal escapes (\040 for a space, ...).
func unescapeMountPath(s string) string {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		if s[i] == '\\' && i+3 < len(s) {
			var c byte
			if _, err := fmt.Sscanf(s[i+1:i+4], "%03o", &c); err == nil {
				b.WriteByte(c)
				i += 3
				continue
			}
		}
		b.WriteByte(s[i])
	}
	return b.String()
}
