package vm

import (
	"encoding/json"
	"strconv"
	"strings"
	"testing"

	"github.com/linuxhcs/hcs/hresult"
	"github.com/linuxhcs/hcs/schema"
)

// memTotalKB returns the guest's MemTotal.
func (v *vm) memTotalKB() int {
	v.t.Helper()
	out, _ := v.sh(`awk '/MemTotal/ {print $2}' /proc/meminfo`)
	kb, err := strconv.Atoi(strings.TrimSpace(out))
	if err != nil {
		v.t.Fatalf("guest MemTotal %q", out)
	}
	return kb
}

// TestModifyRunningMemory: the memory of a running VM shrinks through its balloon (the
// guest's MemTotal drops by the difference) and grows back to the boot size, not beyond.
func TestModifyRunningMemory(t *testing.T) {
	requireVM(t)
	v := createVM(t, newTestDriver(t), vmDoc(env.kernel, env.initrd))
	v.start()
	size := func(mb int) *schema.ModifySettingRequest {
		return &schema.ModifySettingRequest{ResourcePath: memorySizePath, Settings: json.RawMessage(strconv.Itoa(mb))}
	}
	booted := v.memTotalKB()
	if err := v.modify(size(192)); err != nil {
		t.Fatalf("shrinking a running VM to 192 MB: %v", err)
	}
	if got := v.memTotalKB(); booted-got != 64<<10 {
		t.Errorf("guest MemTotal %d kB after shrinking by 64 MB, booted with %d kB", got, booted)
	}
	err := v.modify(size(512))
	if !hresult.Is(err, hresult.E_INVALIDARG) || !strings.Contains(err.Error(), "512 MB is more than the 256 MB VM "+v.id+" booted with") {
		t.Errorf("growing beyond the boot size: %v, want E_INVALIDARG", err)
	}
	if err := v.modify(size(256)); err != nil {
		t.Fatalf("growing back to 256 MB: %v", err)
	}
	if got := v.memTotalKB(); got != booted {
		t.Errorf("guest MemTotal %d kB after growing back, want the %d kB it booted with", got, booted)
	}
}
