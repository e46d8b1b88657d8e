package vm

import (
	"bufio"
	"context"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/linuxhcs/hcs/driver"
	"github.com/linuxhcs/hcs/internal/procfs"
	"github.com/linuxhcs/hcs/schema"
)

// Properties fills Statistics (QEMU's CPU time and memory), Memory (the guest's memory),
// ProcessList and GuestConnection (from the guest agent), ICHeartbeatStatus (whether the
// agent answers) and SharedMemoryRegion (always empty: this back-end refuses shared memory
// regions at create). Other property types are refused with ERROR_NOT_SUPPORTED.
func (s *System) Properties(ctx context.Context, types []schema.SystemPropertyType, props *schema.Properties) error {
	guest := driver.PropertyFillers{
		schema.SystemPropertyTypeGuestConnection:   func() (err error) { props.GuestConnectionInfo, err = s.guestConnection(); return err },
		schema.SystemPropertyTypeICHeartbeatStatus: func() error { props.ICHeartbeatStatus = s.heartbeat(); return nil },
		schema.SystemPropertyTypeSharedMemoryRegion: func() error {
			props.SharedMemoryRegionInfo = []schema.SharedMemoryRegionInfo{}
			return nil
		},
	}
	common := driver.CommonProperties{Statistics: s.statistics, Memory: s.memory, ProcessList: s.processList}
	return common.Fillers(ctx, props, guest).Fill(types, "a VM")
}

// clockTick is the length of a /proc clock tick in 100 ns units (USER_HZ is 100).
const clockTick = 100000

// statistics reports QEMU's CPU time (all of the guest's processors and its devices) and
// memory.
func (s *System) statistics() *schema.Statistics {
	now := time.Now()
	out := &schema.Statistics{Timestamp: now.UTC().Format(time.RFC3339Nano)}
	if start := s.startTime(); !start.IsZero() {
		out.ContainerStartTime = start.UTC().Format(time.RFC3339Nano)
		out.Uptime100ns = uint64(now.Sub(start) / 100)
	}
	p := s.qemuProc()
	if p == nil || isDone(p.done) {
		return out
	}
	if f := procfs.StatFields(p.pid); len(f) > 12 {
		user, _ := strconv.ParseUint(f[11], 10, 64)
		sys, _ := strconv.ParseUint(f[12], 10, 64)
		out.Processor = &schema.ProcessorStats{TotalRuntime100ns: (user + sys) * clockTick,
			RuntimeUser100ns: user * clockTick, RuntimeKernel100ns: sys * clockTick}
	}
	st := procStatus(p.pid)
	out.Memory = &schema.MemoryStats{MemoryUsageCommitBytes: st["VmRSS"], MemoryUsageCommitPeakBytes: st["VmHWM"],
		MemoryUsagePrivateWorkingSetBytes: st["RssAnon"]}
	return out
}

// procStatus returns the kB fields of /proc/PID/status, in bytes.
func procStatus(pid int) map[string]uint64 {
	out := map[string]uint64{}
	f, err := os.Open("/proc/" + strconv.Itoa(pid) + "/status")
	if err != nil {
		return out
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		k, v, ok := strings.Cut(sc.Text(), ":")
		fields := strings.Fields(v)
		if ok && len(fields) == 2 && fields[1] == "kB" {
			n, _ := strconv.ParseUint(fields[0], 10, 64)
			out[k] = n << 10
		}
	}
	return out
}

// memory reports the guest's memory as HCS does for a container: AssignedMemory in 4 KiB
// pages.
func (s *System) memory() *schema.MemoryInformationForVm {
	mb := uint64(DefaultMemoryMB)
	if t := s.config().ComputeTopology; t != nil && t.Memory != nil && t.Memory.SizeInMB > 0 {
		mb = t.Memory.SizeInMB
	}
	return &schema.MemoryInformationForVm{VirtualNodeCount: 1, VirtualMachineMemory: &schema.VmMemory{AssignedMemory: mb << 8}}
}

// processList asks the agent for every process of the guest.
func (s *System) processList(ctx context.Context) ([]schema.ProcessDetails, error) {
	sess, err := s.agentSession()
	if err != nil {
		return nil, err
	}
	return sess.ProcessList(ctx)
}
