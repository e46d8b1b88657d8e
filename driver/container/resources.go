package container

import (
	"math"

	specs "github.com/opencontainers/runtime-spec/specs-go"

	"github.com/linuxhcs/hcs/schema"
)

const (
	// DefaultPidsLimit caps the tasks of a container when the caller sets no limit, so a fork
	// bomb inside cannot exhaust the host's pid space.
	DefaultPidsLimit = 32768
	// CPUPeriod is the CFS period, in microseconds, of every CPU quota BuildSpec writes.
	CPUPeriod = 100000
	// minCPUQuota is the smallest quota the kernel accepts (1 ms).
	minCPUQuota = 1000
	// maxProcessorValue is the top of Weight and Maximum: both count in ten-thousandths.
	maxProcessorValue = 10000
	// minShares and maxShares bound cgroup v1 cpu.shares.
	minShares, maxShares = 2, 262144
)

// resourcesFor maps Memory and Processor onto cgroup limits, and adds the pids limit and the
// device allowlist every container gets.
func resourcesFor(c *schema.Container, in SpecInput) (*specs.LinuxResources, error) {
	mem, err := memoryFor(c.Memory)
	if err != nil {
		return nil, err
	}
	cpu, err := cpuFor(c.Processor, in.HostCPUs)
	if err != nil {
		return nil, err
	}
	pids := in.PidsLimit
	if pids == 0 {
		pids = DefaultPidsLimit
	}
	return &specs.LinuxResources{
		Devices: deviceAllowlist(),
		Memory:  mem,
		CPU:     cpu,
		Pids:    &specs.LinuxPids{Limit: &pids},
	}, nil
}

// memoryFor sets the memory limit to SizeInMB and memory+swap to the same value, so the
// container gets no swap beyond its limit.
func memoryFor(m *schema.ContainerMemory) (*specs.LinuxMemory, error) {
	if m == nil || m.SizeInMB == 0 {
		return nil, nil
	}
	if m.SizeInMB > math.MaxInt64>>20 {
		return nil, invalidArg("$.Container.Memory.SizeInMB", "%d MB does not fit in a 64-bit byte count", m.SizeInMB)
	}
	limit := int64(m.SizeInMB) << 20
	swap := limit
	return &specs.LinuxMemory{Limit: &limit, Swap: &swap}, nil
}

// cpuFor maps the one Processor limit that is set:
//
//   - Count, a number of host CPUs: quota = Count × period. A Count above the host's CPUs is
//     no limit at all, as on Windows.
//   - Maximum, cycles per 10 000 of the whole host: quota = Maximum × HostCPUs × period /
//     10 000, at least the kernel's 1 ms.
//   - Weight, a relative share 1..10 000 (0 = default): see sharesFromWeight.
func cpuFor(p *schema.ContainerProcessor, hostCPUs int) (*specs.LinuxCPU, error) {
	if p == nil {
		return nil, nil
	}
	if err := checkProcessor(p); err != nil {
		return nil, err
	}
	period := uint64(CPUPeriod)
	switch {
	case p.Count != 0:
		quota := int64(p.Count) * CPUPeriod
		return &specs.LinuxCPU{Quota: &quota, Period: &period}, nil
	case p.Maximum != 0:
		if hostCPUs < 1 {
			return nil, invalidArg("SpecInput.HostCPUs", "the host's CPU count is required with $.Container.Processor.Maximum")
		}
		quota := max(p.Maximum*int64(hostCPUs)*CPUPeriod/maxProcessorValue, minCPUQuota)
		return &specs.LinuxCPU{Quota: &quota, Period: &period}, nil
	case p.Weight != 0:
		shares := sharesFromWeight(p.Weight)
		return &specs.LinuxCPU{Shares: &shares}, nil
	}
	return nil, nil
}

// checkProcessor allows at most one of Count, Maximum and Weight, each in its range.
func checkProcessor(p *schema.ContainerProcessor) error {
	set := 0
	for _, v := range []int64{int64(p.Count), p.Maximum, p.Weight} {
		if v != 0 {
			set++
		}
	}
	switch {
	case set > 1:
		return invalidArg("$.Container.Processor", "at most one of Count, Maximum and Weight may be set")
	case p.Maximum < 0 || p.Maximum > maxProcessorValue:
		return invalidArg("$.Container.Processor.Maximum", "must be in 1..10000, got %d", p.Maximum)
	case p.Weight < 0 || p.Weight > maxProcessorValue:
		return invalidArg("$.Container.Processor.Weight", "must be in 0..10000, got %d", p.Weight)
	}
	return nil
}

// sharesFromWeight maps a Weight of 1..10 000 linearly onto cgroup v1 cpu.shares 2..262 144
// (1 → 2, 10 000 → 262 144), rounding up. On a cgroup2 host runc 1.1 and crun 1.8 turn shares
// back into cpu.weight with 1 + (shares−2)·9999/262 142, rounded down; rounding up here makes
// that give exactly Weight back, so a v2 container's cpu.weight is its HCS Weight.
func sharesFromWeight(w int64) uint64 {
	const span, steps = maxShares - minShares, maxProcessorValue - 1
	return minShares + (uint64(w-1)*span+steps-1)/steps
}

// deviceAllowlist denies every device, then allows creating device nodes (opening them stays
// denied) and using the devices every Linux program may expect: null, zero, full, random,
// urandom, tty, console, ptmx and the pseudo-terminals of the container's devpts.
func deviceAllowlist() []specs.LinuxDeviceCgroup {
	dev := func(major, minor int64, access string) specs.LinuxDeviceCgroup {
		d := specs.LinuxDeviceCgroup{Allow: true, Type: "c", Access: access}
		if major >= 0 {
			d.Major = &major
		}
		if minor >= 0 {
			d.Minor = &minor
		}
		return d
	}
	const wild = -1
	return []specs.LinuxDeviceCgroup{
		{Allow: false, Access: "rwm"},
		dev(wild, wild, "m"),
		{Allow: true, Type: "b", Access: "m"},
		dev(1, 3, "rwm"),      // /dev/null
		dev(1, 5, "rwm"),      // /dev/zero
		dev(1, 7, "rwm"),      // /dev/full
		dev(1, 8, "rwm"),      // /dev/random
		dev(1, 9, "rwm"),      // /dev/urandom
		dev(5, 0, "rwm"),      // /dev/tty
		dev(5, 1, "rwm"),      // /dev/console
		dev(5, 2, "rwm"),      // /dev/ptmx
		dev(136, wild, "rwm"), // /dev/pts/*
	}
}
