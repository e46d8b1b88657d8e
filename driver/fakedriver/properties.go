package fakedriver

import (
	"cmp"
	"context"
	"encoding/json"
	"slices"
	"time"

	"github.com/linuxhcs/hcs/driver"
	"github.com/linuxhcs/hcs/hresult"
	"github.com/linuxhcs/hcs/schema"
)

// MemoryResourcePath is the one resource path Modify accepts.
const MemoryResourcePath = "Container/Memory/SizeInMB"

// Properties implements driver.System. It fills Statistics (timestamps and uptime),
// ProcessList (the live processes) and Memory (the configured or last modified size as
// AssignedMemory, in 4 KiB pages) and refuses every other type with ERROR_NOT_SUPPORTED, as the
// container back-end does.
func (s *System) Properties(ctx context.Context, types []schema.SystemPropertyType, props *schema.Properties) error {
	if err := s.opts.run(ctx, OpProperties, s.id); err != nil {
		return err
	}
	if props == nil {
		return hresult.New(hresult.E_INVALIDARG, "fakedriver: Properties: nil properties")
	}
	now := time.Now()
	s.mu.Lock()
	defer s.mu.Unlock()
	return driver.PropertyFillers{
		schema.SystemPropertyTypeStatistics:  func() error { props.Statistics = s.statisticsLocked(now); return nil },
		schema.SystemPropertyTypeProcessList: func() error { props.ProcessList = s.processListLocked(); return nil },
		schema.SystemPropertyTypeMemory: func() error {
			props.Memory = &schema.MemoryInformationForVm{VirtualMachineMemory: &schema.VmMemory{AssignedMemory: s.memoryMB << 8}}
			return nil
		},
	}.Fill(types, "a container")
}

// statisticsLocked returns the system's statistics at now. s.mu must be held.
func (s *System) statisticsLocked(now time.Time) *schema.Statistics {
	st := &schema.Statistics{Timestamp: dateTime(now)}
	if !s.startedAt.IsZero() {
		st.ContainerStartTime = dateTime(s.startedAt)
		st.Uptime100ns = uint64(now.Sub(s.startedAt) / 100)
	}
	return st
}

// processListLocked describes the live processes, sorted by pid. s.mu must be held.
func (s *System) processListLocked() []schema.ProcessDetails {
	list := make([]schema.ProcessDetails, 0, len(s.procs))
	for _, p := range s.procs {
		list = append(list, schema.ProcessDetails{
			ProcessId:       p.pid,
			ImageName:       p.image,
			CreateTimestamp: dateTime(p.created),
		})
	}
	slices.SortFunc(list, func(a, b schema.ProcessDetails) int { return cmp.Compare(a.ProcessId, b.ProcessId) })
	return list
}

func dateTime(t time.Time) string { return t.UTC().Format(time.RFC3339Nano) }

// Modify implements driver.System. Only an Update of MemoryResourcePath is supported; it
// records the new size (see MemorySizeInMB). Everything else fails with ERROR_NOT_SUPPORTED.
func (s *System) Modify(ctx context.Context, req *schema.ModifySettingRequest) error {
	if err := s.opts.run(ctx, OpModify, s.id); err != nil {
		return err
	}
	if req == nil {
		return hresult.New(hresult.E_INVALIDARG, "fakedriver: ModifySettingRequest: required")
	}
	if req.ResourcePath != MemoryResourcePath || req.RequestType != schema.ModifyRequestTypeUpdate {
		return hresult.Errorf(hresult.ERROR_NOT_SUPPORTED, "fakedriver: system %q: %s of %q is not supported",
			s.id, req.RequestType, req.ResourcePath)
	}
	var mb uint64
	if err := json.Unmarshal(req.Settings, &mb); err != nil {
		return hresult.Errorf(hresult.E_INVALIDARG, "fakedriver: ModifySettingRequest.Settings: want a size in MB: %v", err)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.state == stateStopping || s.state == stateStopped {
		return s.stateErrorLocked(OpModify)
	}
	s.memoryMB = mb
	return nil
}
