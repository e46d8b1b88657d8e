package container_test

import (
	"strings"
	"testing"

	"github.com/linuxhcs/hcs/client"
	"github.com/linuxhcs/hcs/schema"
)

// memoryLimit reads the container's memory limit from inside it (cgroup v1 or v2).
func memoryLimit(t *testing.T, sys *client.System) string {
	return strings.TrimSpace(mustRun(t, sys, "cat /sys/fs/cgroup/memory/memory.limit_in_bytes 2>/dev/null || cat /sys/fs/cgroup/memory.max"))
}

func TestModifyUpdatesMemoryAndProcessorLimits(t *testing.T) {
	forEachRuntime(t, func(t *testing.T, e *env) {
		doc := busybox(t, func(c *schema.Container) { c.Memory = &schema.ContainerMemory{SizeInMB: 64} })
		sys := e.start("modify-"+e.runtime, doc)
		if got := memoryLimit(t, sys); got != "67108864" {
			t.Fatalf("initial limit %s", got)
		}
		mustDo(t, func(op *client.Operation) error {
			return sys.Modify(op, `{"ResourcePath":"Container/Memory/SizeInMB","RequestType":"Update","Settings":128}`)
		})
		if got := memoryLimit(t, sys); got != "134217728" {
			t.Fatalf("limit after Modify %s, want 134217728", got)
		}
		mustDo(t, func(op *client.Operation) error {
			return sys.Modify(op, `{"ResourcePath":"Container/Processor","RequestType":"Update","Settings":{"Count":1}}`)
		})
		quota := strings.TrimSpace(mustRun(t, sys, "cat /sys/fs/cgroup/cpu/cpu.cfs_quota_us 2>/dev/null || cut -d' ' -f1 /sys/fs/cgroup/cpu.max"))
		if quota != "100000" {
			t.Fatalf("cpu quota after Modify %s, want 100000", quota)
		}
	})
}
