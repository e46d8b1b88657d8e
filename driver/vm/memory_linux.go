package vm

import (
	"context"
	"encoding/json"
	"strings"
	"time"

	"github.com/linuxhcs/hcs/hresult"
)

// balloonWait bounds the wait for the guest to reach a new memory size.
const balloonWait = 20 * time.Second

// bootMemoryMB is the memory the VM booted with: the most it can have while it runs.
func (s *System) bootMemoryMB() uint64 {
	if t := s.config().ComputeTopology; t != nil && t.Memory != nil && t.Memory.SizeInMB > 0 {
		return t.Memory.SizeInMB
	}
	return DefaultMemoryMB
}

// modifyMemory sets the memory of a running VM through its virtio-balloon: a size below
// the boot size inflates the balloon (the guest hands the pages back and its MemTotal
// drops), a size up to the boot size deflates it again. The balloon was chosen over
// virtio-mem because it needs nothing beyond a device at boot (virtio-mem needs a maximum
// size, a memory backend and a guest that onlines hot-added blocks) and it survives save
// and restore unchanged; the price is that a VM cannot grow beyond the size it booted with
// (E_INVALIDARG). Like Hyper-V, it returns once the guest reached the size; a guest whose
// balloon driver is not loaded yet fails with HCS_E_INVALID_STATE (callers retry, as the
// HCS sample does while the guest boots).
func (s *System) modifyMemory(ctx context.Context, settings json.RawMessage) error {
	var mb uint64
	if err := json.Unmarshal(settings, &mb); err != nil || mb == 0 {
		return hresult.Errorf(hresult.E_INVALIDARG, "$.Settings: the new memory size in MB, a positive integer (got %s)", settings)
	}
	if max := s.bootMemoryMB(); mb > max {
		return hresult.Errorf(hresult.E_INVALIDARG, "$.Settings: %d MB is more than the %d MB VM %s booted with; a running VM can only shrink and grow back", mb, max, s.id)
	}
	m, err := s.monitorOrErr()
	if err != nil {
		return err
	}
	if err := m.Execute(ctx, "balloon", map[string]any{"value": mb << 20}, nil); err != nil {
		if strings.Contains(err.Error(), "balloon") {
			return hresult.Wrap(err, hresult.HCS_E_INVALID_STATE, "VM "+s.id+": the guest's memory balloon driver is not running yet")
		}
		return hresult.Wrap(err, hresult.E_FAIL, "VM "+s.id+": set the memory size")
	}
	return s.waitBalloon(ctx, mb<<20)
}

// waitBalloon waits until the guest's memory is target bytes.
func (s *System) waitBalloon(ctx context.Context, target uint64) error {
	m := s.monitor()
	deadline := time.Now().Add(balloonWait)
	for {
		var info struct {
			Actual uint64 `json:"actual"`
		}
		if err := m.Execute(ctx, "query-balloon", nil, &info); err != nil {
			return hresult.Wrap(err, hresult.E_FAIL, "VM "+s.id+": query the memory size")
		}
		if info.Actual == target {
			return nil
		}
		if time.Now().After(deadline) || ctx.Err() != nil {
			return hresult.Errorf(hresult.HCS_E_OPERATION_TIMEOUT, "VM %s: the guest has %d MB after %v, not the %d MB asked for", s.id, info.Actual>>20, balloonWait, target>>20)
		}
		time.Sleep(50 * time.Millisecond)
	}
}
