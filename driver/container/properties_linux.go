package container

import (
	"context"
	"time"

	"github.com/linuxhcs/hcs/driver"
	"github.com/linuxhcs/hcs/schema"
)

// Properties fills Statistics and Memory from the container's cgroup and ProcessList from the
// agent. Property types that have no meaning for a container are refused with ERROR_NOT_SUPPORTED
// naming the type.
func (s *System) Properties(ctx context.Context, types []schema.SystemPropertyType, props *schema.Properties) error {
	common := driver.CommonProperties{Statistics: s.statistics, Memory: s.memory, ProcessList: s.processList}
	return common.Fillers(ctx, props, nil).Fill(types, "a container")
}

func (s *System) cgroupStats() cgroupStats {
	return readCgroupStats(s.d.cgroups, s.d.cgroupPath(s.rid))
}

// statistics reports CPU time in 100 ns units, memory in bytes and block I/O.
func (s *System) statistics() *schema.Statistics {
	st := s.cgroupStats()
	now := time.Now()
	out := &schema.Statistics{
		Timestamp: now.UTC().Format(time.RFC3339Nano),
		Processor: &schema.ProcessorStats{TotalRuntime100ns: st.cpuTotalNs / 100, RuntimeUser100ns: st.cpuUserNs / 100, RuntimeKernel100ns: st.cpuKernelNs / 100},
		Memory:    &schema.MemoryStats{MemoryUsageCommitBytes: st.memUsage, MemoryUsageCommitPeakBytes: st.memPeak, MemoryUsagePrivateWorkingSetBytes: st.memPrivate},
		Storage:   &schema.StorageStats{ReadCountNormalized: st.readOps, ReadSizeBytes: st.readBytes, WriteCountNormalized: st.writeOps, WriteSizeBytes: st.writeBytes},
	}
	if start := s.startTime(); !start.IsZero() {
		out.ContainerStartTime = start.UTC().Format(time.RFC3339Nano)
		out.Uptime100ns = uint64(now.Sub(start) / 100)
	}
	return out
}

// memory reports the container's memory in the VM-shaped document HCS uses: AssignedMemory
// is the limit in 4 KiB pages (0 when unlimited), AvailableMemory what is left of it in MB.
func (s *System) memory() *schema.MemoryInformationForVm {
	st := s.cgroupStats()
	m := &schema.VmMemory{AssignedMemory: st.memLimit / 4096}
	if st.memLimit > st.memUsage {
		m.AvailableMemory = int32((st.memLimit - st.memUsage) >> 20)
	}
	return &schema.MemoryInformationForVm{VirtualMachineMemory: m}
}

// processList asks the agent for every process of the container.
func (s *System) processList(ctx context.Context) ([]schema.ProcessDetails, error) {
	if s.isPaused() {
		return s.hostProcessList(), nil
	}
	sess, err := s.agentSession(ctx)
	if err != nil {
		return nil, err
	}
	return sess.ProcessList(ctx)
}
