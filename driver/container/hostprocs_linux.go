package container

import (
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"golang.org/x/sys/unix"

	"github.com/linuxhcs/hcs/hresult"
	"github.com/linuxhcs/hcs/internal/procfs"
	"github.com/linuxhcs/hcs/schema"
)

// A paused container's agent is frozen with everything else, so the driver answers what it
// can from the host while the container is paused: the process list from the container's
// cgroup and /proc, and signals through pidfds (queued by the kernel until the thaw).

// clockTick is the unit of /proc/PID/stat times (USER_HZ).
const clockTick = 100

// cgroupPath is the cgroup of the runtime container rid, relative to a hierarchy's root: what
// the spec gives the runtime as cgroupsPath.
func (d *Driver) cgroupPath(rid string) string { return filepath.Join(d.opts.CgroupParent, rid) }

// cgroupDir is the cgroup of the runtime container rid in the hierarchy that lists its
// processes: the unified one, or the pids controller's.
func (d *Driver) cgroupDir(rid string) string {
	rel := d.cgroupPath(rid)
	if d.cgroups.Unified {
		return filepath.Join(cgroupRoot, rel)
	}
	return filepath.Join(cgroupRoot, "pids", rel)
}

// cgroupProcs returns the host pids in the container's cgroup.
func (s *System) cgroupProcs() []int {
	b, err := os.ReadFile(filepath.Join(s.d.cgroupDir(s.rid), "cgroup.procs"))
	if err != nil {
		return nil
	}
	var pids []int
	for _, f := range strings.Fields(string(b)) {
		if pid, err := strconv.Atoi(f); err == nil {
			pids = append(pids, pid)
		}
	}
	return pids
}

// nsPid returns the pid a host process has in the innermost pid namespace it belongs to
// (the NSpid line of /proc/PID/status) and its command name.
func nsPid(hostPid int) (int, string) {
	b, err := os.ReadFile("/proc/" + strconv.Itoa(hostPid) + "/status")
	if err != nil {
		return 0, ""
	}
	var pid int
	var name string
	for _, line := range strings.Split(string(b), "\n") {
		k, v, _ := strings.Cut(line, ":")
		switch k {
		case "NSpid":
			f := strings.Fields(v)
			if len(f) > 0 {
				pid, _ = strconv.Atoi(f[len(f)-1])
			}
		case "Name":
			name = strings.TrimSpace(v)
		}
	}
	return pid, name
}

// hostProcessList lists the container's processes from the host.
func (s *System) hostProcessList() []schema.ProcessDetails {
	var out []schema.ProcessDetails
	boot := bootTime()
	for _, hp := range s.cgroupProcs() {
		pid, name := nsPid(hp)
		if pid == 0 {
			continue
		}
		d := schema.ProcessDetails{ProcessId: uint32(pid), ImageName: name}
		if f := procfs.StatFields(hp); len(f) > 21 {
			ut, _ := strconv.ParseUint(f[11], 10, 64)
			st, _ := strconv.ParseUint(f[12], 10, 64)
			start, _ := strconv.ParseUint(f[19], 10, 64)
			rss, _ := strconv.ParseUint(f[21], 10, 64)
			d.UserTime100ns, d.KernelTime100ns = ut*1e7/clockTick, st*1e7/clockTick
			d.MemoryCommitBytes = rss * uint64(os.Getpagesize())
			d.MemoryWorkingSetPrivateBytes = d.MemoryCommitBytes
			d.CreateTimestamp = boot.Add(time.Duration(start) * time.Second / clockTick).UTC().Format(time.RFC3339Nano)
		}
		out = append(out, d)
	}
	return out
}

func bootTime() time.Time {
	var info unix.Sysinfo_t
	if unix.Sysinfo(&info) != nil {
		return time.Time{}
	}
	return time.Now().Add(-time.Duration(info.Uptime) * time.Second)
}

// hostSignal signals the container process pid (a pid of the container's namespace) from the
// host: the process is found in the container's cgroup, pinned with a pidfd and checked
// again, so a reused pid is never signalled.
func (s *System) hostSignal(pid int, sig unix.Signal) error {
	for _, hp := range s.cgroupProcs() {
		if p, _ := nsPid(hp); p != pid {
			continue
		}
		fd, err := unix.PidfdOpen(hp, 0)
		if err != nil {
			break
		}
		defer unix.Close(fd)
		if p, _ := nsPid(hp); p != pid {
			break
		}
		if err := unix.PidfdSendSignal(fd, sig, nil, 0); err != nil {
			return hresult.Wrap(err, hresult.E_FAIL, "signalling process "+strconv.Itoa(pid))
		}
		return nil
	}
	return hresult.Errorf(hresult.HCS_E_PROCESS_ALREADY_STOPPED, "process %d has already exited", pid)
}
