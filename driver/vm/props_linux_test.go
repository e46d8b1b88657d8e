package vm

import (
	"context"
	"encoding/json"
	"errors"
	"strings"
	"testing"

	"github.com/linuxhcs/hcs/hresult"
	"github.com/linuxhcs/hcs/schema"
)

// TestPropertiesOfVM asks a VM with a guest agent for every property type it answers, in
// the shapes HCS documents, before the agent connected and after.
func TestPropertiesOfVM(t *testing.T) {
	requireVM(t)
	v := createVM(t, newTestDriver(t), vmDoc(env.kernel, env.initrd))
	var early schema.Properties
	err := v.sys.Properties(context.Background(), []schema.SystemPropertyType{schema.SystemPropertyTypeGuestConnection}, &early)
	if !errors.Is(err, hresult.HCS_E_CONNECTION_CLOSED) {
		t.Errorf("GuestConnection before the agent connected: %v, want HCS_E_CONNECTION_CLOSED", err)
	}
	v.must("Properties", func(ctx context.Context) error {
		return v.sys.Properties(ctx, []schema.SystemPropertyType{schema.SystemPropertyTypeICHeartbeatStatus}, &early)
	})
	if got := mustMarshal(t, early.ICHeartbeatStatus); got != `{"IsEnabled":true,"State":"NoContact","Reason":"Unknown"}` {
		t.Errorf("ICHeartbeatStatus before the agent connected: %s", got)
	}
	v.start()
	var props schema.Properties
	types := []schema.SystemPropertyType{schema.SystemPropertyTypeStatistics, schema.SystemPropertyTypeMemory,
		schema.SystemPropertyTypeProcessList, schema.SystemPropertyTypeGuestConnection,
		schema.SystemPropertyTypeICHeartbeatStatus, schema.SystemPropertyTypeSharedMemoryRegion}
	v.must("Properties", func(ctx context.Context) error { return v.sys.Properties(ctx, types, &props) })
	checkVMProperties(t, &props)
	err = v.sys.Properties(context.Background(), []schema.SystemPropertyType{schema.SystemPropertyTypeGuestMemory}, &props)
	if !errors.Is(err, hresult.ERROR_NOT_SUPPORTED) || !strings.Contains(err.Error(), `"GuestMemory" is not available for a VM`) {
		t.Errorf("GuestMemory: %v, want ERROR_NOT_SUPPORTED naming it", err)
	}
}

func checkVMProperties(t *testing.T, p *schema.Properties) {
	t.Helper()
	if p.Statistics == nil || p.Statistics.Processor == nil || p.Statistics.Timestamp == "" {
		t.Errorf("Statistics %s", mustMarshal(t, p.Statistics))
	}
	if got := mustMarshal(t, p.Memory); got != `{"VirtualNodeCount":1,"VirtualMachineMemory":{"AssignedMemory":65536}}` {
		t.Errorf("Memory %s", got)
	}
	if len(p.ProcessList) == 0 {
		t.Error("ProcessList is empty: the guest runs at least its agent")
	}
	if g := p.GuestConnectionInfo; g == nil || g.ProtocolVersion == 0 {
		t.Errorf("GuestConnectionInfo %s", mustMarshal(t, g))
	}
	if got := mustMarshal(t, p.ICHeartbeatStatus); got != `{"IsEnabled":true,"State":"Ok","Reason":"HealthyApps"}` {
		t.Errorf("ICHeartbeatStatus %s", got)
	}
	if got := mustMarshal(t, p.SharedMemoryRegionInfo); got != "[]" {
		t.Errorf("SharedMemoryRegionInfo %s", got)
	}
}

func mustMarshal(t *testing.T, v any) string {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}
