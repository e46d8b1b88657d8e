package container

import (
	"reflect"
	"strings"
	"testing"
)

// hybridMountinfo is the cgroup part of a build machine's mount table (PLATFORM.md).
const hybridMountinfo = `22 27 0:21 / /proc rw,relatime - proc proc rw
23 27 0:22 / /sys rw,relatime - sysfs sysfs rw
27 1 254:0 / / rw,relatime - ext4 /dev/vda rw,discard
31 23 0:28 / /sys/fs/cgroup rw,relatime - tmpfs tmpfs rw,mode=755
32 31 0:29 / /sys/fs/cgroup/cpu rw,relatime - cgroup cgroup rw,cpu
33 31 0:30 / /sys/fs/cgroup/cpuacct rw,relatime - cgroup cgroup rw,cpuacct
34 31 0:31 / /sys/fs/cgroup/cpuset rw,relatime - cgroup cgroup rw,cpuset
35 31 0:32 / /sys/fs/cgroup/memory rw,relatime - cgroup cgroup rw,memory
36 31 0:33 / /sys/fs/cgroup/devices rw,relatime - cgroup cgroup rw,devices
37 31 0:34 / /sys/fs/cgroup/freezer rw,relatime - cgroup cgroup rw,freezer
38 31 0:35 / /sys/fs/cgroup/blkio rw,relatime - cgroup cgroup rw,blkio
39 31 0:36 / /sys/fs/cgroup/pids rw,relatime - cgroup cgroup rw,pids
40 31 0:37 / /sys/fs/cgroup/systemd rw,relatime - cgroup cgroup rw,name=systemd
41 31 0:38 / /sys/fs/cgroup/unified rw,relatime - cgroup2 cgroup2 rw
`

func TestParseCgroupLayout(t *testing.T) {
	cases := []struct {
		name, mountinfo string
		want            CgroupLayout
	}{
		{"hybrid", hybridMountinfo, CgroupLayout{Hybrid: true, V1Controllers: []string{
			"blkio", "cpu", "cpuacct", "cpuset", "devices", "freezer", "memory", "pids"}}},
		{"unified", `25 21 0:22 / /sys rw,nosuid,nodev,noexec,relatime shared:7 - sysfs sysfs rw
26 25 0:23 / /sys/fs/cgroup rw,nosuid,nodev,noexec,relatime shared:8 - cgroup2 cgroup2 rw,nsdelegate,memory_recursiveprot
`, CgroupLayout{Unified: true}},
		{"legacy v1 with joined controllers", `30 25 0:26 / /sys/fs/cgroup ro,nosuid,nodev,noexec shared:9 - tmpfs tmpfs ro,mode=755
31 30 0:27 / /sys/fs/cgroup/systemd rw,nosuid shared:10 - cgroup cgroup rw,xattr,name=systemd
32 30 0:28 / /sys/fs/cgroup/cpu,cpuacct rw,nosuid shared:11 - cgroup cgroup rw,cpu,cpuacct
33 30 0:29 / /sys/fs/cgroup/net_cls,net_prio rw,nosuid shared:12 - cgroup cgroup rw,net_cls,net_prio
34 30 0:30 / /sys/fs/cgroup/memory rw,nosuid shared:13 - cgroup cgroup rw,memory
`, CgroupLayout{V1Controllers: []string{"cpu", "cpuacct", "memory", "net_cls", "net_prio"}}},
		{"cgroup2 mounted over tmpfs", `31 23 0:28 / /sys/fs/cgroup rw - tmpfs tmpfs rw
32 31 0:29 / /sys/fs/cgroup/memory rw - cgroup cgroup rw,memory
50 23 0:40 / /sys/fs/cgroup rw - cgroup2 cgroup2 rw
`, CgroupLayout{Unified: true}},
		{"escaped and empty fields elsewhere", `60 27 0:50 / /mnt/with\040space rw - fuse.x  rw
31 23 0:28 / /sys/fs/cgroup rw - tmpfs tmpfs rw
32 31 0:29 / /sys/fs/cgroup/pids rw master:3 shared:4 - cgroup cgroup rw,pids
`, CgroupLayout{V1Controllers: []string{"pids"}}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			got, err := ParseCgroupLayout(strings.NewReader(tc.mountinfo))
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(got, tc.want) {
				t.Errorf("got %+v, want %+v", got, tc.want)
			}
		})
	}
}

func TestParseCgroupLayoutErrors(t *testing.T) {
	cases := map[string]string{
		"no cgroup mount":       "27 1 254:0 / / rw - ext4 /dev/vda rw\n",
		"v1 without controller": "31 23 0:28 / /sys/fs/cgroup rw - tmpfs tmpfs rw\n",
		"no separator":          "31 23 0:28 / /sys/fs/cgroup rw tmpfs tmpfs rw\n",
		"short line":            "31 23 0:28 /\n",
		"truncated escape":      `31 23 0:28 / /sys/fs/cgroup\04 rw - tmpfs tmpfs rw` + "\n",
		"bad escape":            `31 23 0:28 / /sys/fs/cgroup\09x rw - tmpfs tmpfs rw` + "\n",
	}
	for name, mountinfo := range cases {
		t.Run(name, func(t *testing.T) {
			if l, err := ParseCgroupLayout(strings.NewReader(mountinfo)); err == nil {
				t.Errorf("accepted, layout %+v", l)
			}
		})
	}
}

// FuzzParseCgroupLayout feeds arbitrary mount tables to the parser: it must not panic, and a
// layout it returns must be one of the three kinds.
func FuzzParseCgroupLayout(f *testing.F) {
	f.Add(hybridMountinfo)
	f.Add("26 25 0:23 / /sys/fs/cgroup rw - cgroup2 cgroup2 rw\n")
	f.Add(`1 2 3:4 / /sys/fs/cgroup\134x rw - tmpfs  rw` + "\n")
	f.Fuzz(func(t *testing.T, mountinfo string) {
		l, err := ParseCgroupLayout(strings.NewReader(mountinfo))
		if err != nil {
			return
		}
		if l.Unified == (len(l.V1Controllers) > 0) || (l.Unified && l.Hybrid) {
			t.Fatalf("inconsistent layout %+v", l)
		}
	})
}
