package container

import (
	"os"

	"github.com/linuxhcs/hcs/hresult"
)

// mountinfoPath is the mount table of the calling process's mount namespace.
const mountinfoPath = "/proc/self/mountinfo"

// DetectCgroupLayout reports how this host mounts cgroups, as seen from the calling process's
// mount namespace.
func DetectCgroupLayout() (CgroupLayout, error) {
	f, err := os.Open(mountinfoPath)
	if err != nil {
		return CgroupLayout{}, hresult.Wrap(err, hresult.E_FAIL, "detecting the cgroup layout")
	}
	defer f.Close()
	l, err := ParseCgroupLayout(f)
	if err != nil {
		return CgroupLayout{}, hresult.Wrap(err, hresult.E_FAIL, "detecting the cgroup layout")
	}
	return l, nil
}
