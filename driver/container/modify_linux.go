package container

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strconv"

	specs "github.com/opencontainers/runtime-spec/specs-go"

	"github.com/linuxhcs/hcs/hresult"
	"github.com/linuxhcs/hcs/schema"
)

// Modify applies a ModifySettingRequest: Container/Memory/SizeInMB and Container/Processor
// updates change the cgroup limits of the container, and Container/MappedDirectories adds
// or removes a mapped directory. Each works before Start too: the change then goes into the
// bundle the runtime starts the container from.
func (s *System) Modify(ctx context.Context, req *schema.ModifySettingRequest) error {
	switch req.ResourcePath {
	case "Container/Memory/SizeInMB":
		return s.updateMemory(ctx, req)
	case "Container/Processor":
		return s.updateProcessor(ctx, req)
	case "Container/MappedDirectories":
		return s.modifyMappedDirectory(ctx, req)
	}
	return hresult.Errorf(hresult.ERROR_NOT_SUPPORTED, "$.ResourcePath: %q cannot be modified on a container", req.ResourcePath)
}

func requireUpdate(req *schema.ModifySettingRequest) error {
	if req.RequestType != "" && req.RequestType != schema.ModifyRequestTypeUpdate {
		return hresult.Errorf(hresult.E_INVALIDARG, "$.RequestType: %s must be Update for %s", req.RequestType, req.ResourcePath)
	}
	return nil
}

func (s *System) updateMemory(ctx context.Context, req *schema.ModifySettingRequest) error {
	if err := requireUpdate(req); err != nil {
		return err
	}
	var mb uint64
	if err := json.Unmarshal(req.Settings, &mb); err != nil || mb == 0 {
		return hresult.Errorf(hresult.E_INVALIDARG, "$.Settings: the new memory size in MB, a positive integer (got %s)", req.Settings)
	}
	if !s.hasStarted() {
		mem, err := memoryFor(&schema.ContainerMemory{SizeInMB: mb})
		if err != nil {
			return err
		}
		return s.editResources(func(r *specs.LinuxResources) { r.Memory = mem })
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
	if !s.hasStarted() {
		cpu, err := cpuUpdate(&p, hostCPUs())
		if err != nil {
			return err
		}
		return s.editResources(func(r *specs.LinuxResources) { r.CPU = cpu })
	}
	flags, err := processorFlags(&p, hostCPUs())
	if err != nil {
		return err
	}
	return s.rt.Update(ctx, s.rid, flags...)
}

// cpuUpdate maps the one of Count, Maximum or Weight that is set, as BuildSpec does at
// creation; an update must set one.
func cpuUpdate(p *schema.ContainerProcessor, ncpu int) (*specs.LinuxCPU, error) {
	cpu, err := cpuFor(p, ncpu)
	if err == nil && cpu == nil {
		err = hresult.New(hresult.E_INVALIDARG, "$.Settings: one of Count, Maximum or Weight is required")
	}
	return cpu, err
}

// processorFlags turns the one of Count, Maximum or Weight that is set into runtime update
// flags, through the same mapping BuildSpec uses at creation.
func processorFlags(p *schema.ContainerProcessor, ncpu int) ([]string, error) {
	cpu, err := cpuUpdate(p, ncpu)
	if err != nil {
		return nil, err
	}
	switch {
	case cpu.Shares != nil:
		return []string{"--cpu-share", strconv.FormatUint(*cpu.Shares, 10)}, nil
	}
	return []string{"--cpu-period", strconv.FormatUint(*cpu.Period, 10), "--cpu-quota", strconv.FormatInt(*cpu.Quota, 10)}, nil
}

// editResources changes the cgroup limits in the bundle of a container that has not started;
// the runtime applies them when it makes the container's cgroup at Start.
func (s *System) editResources(edit func(r *specs.LinuxResources)) error {
	return s.editSpec(func(spec *specs.Spec) error {
		if spec.Linux == nil {
			spec.Linux = &specs.Linux{}
		}
		if spec.Linux.Resources == nil {
			spec.Linux.Resources = &specs.LinuxResources{}
		}
		edit(spec.Linux.Resources)
		return nil
	})
}

// editSpec changes the bundle of a container that has not started, from which the runtime
// starts it. The host runs this and Start one at a time.
func (s *System) editSpec(edit func(spec *specs.Spec) error) error {
	path := filepath.Join(s.bundle(), "config.json")
	b, err := os.ReadFile(path)
	if err != nil {
		return hresult.Wrap(err, hresult.E_FAIL, "reading the container's bundle")
	}
	var spec specs.Spec
	if err := json.Unmarshal(b, &spec); err != nil {
		return hresult.Wrap(err, hresult.E_FAIL, "reading the container's bundle")
	}
	if err := edit(&spec); err != nil {
		return err
	}
	return writeJSON(path, &spec)
}
