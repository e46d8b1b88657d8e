package container

import (
	"context"
	"encoding/json"
	"strconv"

	"github.com/linuxhcs/hcs/hresult"
	"github.com/linuxhcs/hcs/schema"
)

// Modify applies a ModifySettingRequest: Container/Memory/SizeInMB and Container/Processor
// updates change the cgroup limits of the running container.
func (s *System) Modify(ctx context.Context, req *schema.ModifySettingRequest) error {
	switch req.ResourcePath {
	case "Container/Memory/SizeInMB":
		return s.updateMemory(ctx, req)
	case "Container/Processor":
		return s.updateProcessor(ctx, req)
	case "Container/MappedDirectories":
		return s.modifyMappedDirectory(ctx, req)
	}
	return hresult.Errorf(hresult.E_NOTIMPL, "ModifySettingRequest.ResourcePath: %q cannot be modified on a container", req.ResourcePath)
}

func requireUpdate(req *schema.ModifySettingRequest) error {
	if req.RequestType != "" && req.RequestType != schema.ModifyRequestTypeUpdate {
		return hresult.Errorf(hresult.E_INVALIDARG, "ModifySettingRequest.RequestType: %s must be Update for %s", req.RequestType, req.ResourcePath)
	}
	return nil
}

func (s *System) updateMemory(ctx context.Context, req *schema.ModifySettingRequest) error {
	if err := requireUpdate(req); err != nil {
		return err
	}
	var mb uint64
	if err := json.Unmarshal(req.Settings, &mb); err != nil || mb == 0 {
		return hresult.Errorf(hresult.E_INVALIDARG, "ModifySettingRequest.Settings: the new memory size in MB, a positive integer (got %s)", req.Settings)
	}
	bytes := strconv.FormatUint(mb<<20, 10)
	return s.rt.Update(ctx, s.rid, "--memory", bytes, "--memory-swap", bytes)
}

func (s *System) updateProcessor(ctx context.Context, req *schema.ModifySettingRequest) error {
	if err := requireUpdate(req); err != nil {
		return err
	}
	var p schema.ContainerProcessor
	if err := schema.DecodeAt("$.Settings", req.Settings, &p); err != nil {
		return err
	}
	flags, err := processorFlags(&p, hostCPUs())
	if err != nil {
		return err
	}
	return s.rt.Update(ctx, s.rid, flags...)
}

// processorFlags turns the one of Count, Maximum or Weight that is set into runtime update
// flags, through the same mapping BuildSpec uses at creation.
func processorFlags(p *schema.ContainerProcessor, ncpu int) ([]string, error) {
	cpu, err := cpuFor(p, ncpu)
	if err != nil {
		return nil, err
	}
	switch {
	case cpu == nil:
		return nil, hresult.New(hresult.E_INVALIDARG, "ModifySettingRequest.Settings: one of Count, Maximum or Weight is required")
	case cpu.Shares != nil:
		return []string{"--cpu-share", strconv.FormatUint(*cpu.Shares, 10)}, nil
	}
	return []string{"--cpu-period", strconv.FormatUint(*cpu.Period, 10), "--cpu-quota", strconv.FormatInt(*cpu.Quota, 10)}, nil
}
