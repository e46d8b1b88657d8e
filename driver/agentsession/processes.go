package agentsession

import (
	"context"
	"time"

	"github.com/linuxhcs/hcs/schema"
)

// ProcessList asks the agent for every process it can see and describes them as the
// ProcessList property does.
func (s *Session) ProcessList(ctx context.Context) ([]schema.ProcessDetails, error) {
	procs, err := s.client.ListProcesses(ctx)
	if err != nil {
		return nil, err
	}
	out := make([]schema.ProcessDetails, 0, len(procs))
	for _, p := range procs {
		out = append(out, schema.ProcessDetails{
			ProcessId: uint32(p.Pid), ImageName: p.Name, CreateTimestamp: p.StartTime.UTC().Format(time.RFC3339Nano),
			UserTime100ns: p.UserTime100ns, KernelTime100ns: p.KernelTime100ns,
			MemoryCommitBytes: p.ResidentBytes, MemoryWorkingSetPrivateBytes: p.ResidentBytes,
		})
	}
	return out, nil
}
