package container_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/linuxhcs/hcs/client"
	"github.com/linuxhcs/hcs/hresult"
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

// TestModifyBeforeStart changes a created container before it starts: the new limits and
// the mapped directories added (and not removed again) then are the container's when it
// runs.
func TestModifyBeforeStart(t *testing.T) {
	forEachRuntime(t, func(t *testing.T, e *env) {
		host := t.TempDir()
		if err := os.WriteFile(filepath.Join(host, "note"), []byte("mapped before start\n"), 0o644); err != nil {
			t.Fatal(err)
		}
		doc := busybox(t, func(c *schema.Container) { c.Memory = &schema.ContainerMemory{SizeInMB: 64} })
		sys := e.create("modify-created-"+e.runtime, doc)
		for _, req := range []string{
			`{"ResourcePath":"Container/Memory/SizeInMB","RequestType":"Update","Settings":96}`,
			`{"ResourcePath":"Container/Processor","RequestType":"Update","Settings":{"Count":1}}`,
			`{"ResourcePath":"Container/MappedDirectories","RequestType":"Add","Settings":{"HostPath":"` + host + `","ContainerPath":"/early","ReadOnly":true}}`,
			`{"ResourcePath":"Container/MappedDirectories","RequestType":"Add","Settings":{"HostPath":"` + host + `","ContainerPath":"/dropped"}}`,
			`{"ResourcePath":"Container/MappedDirectories","RequestType":"Remove","Settings":{"ContainerPath":"/dropped"}}`,
		} {
			mustDo(t, func(op *client.Operation) error { return sys.Modify(op, req) })
		}
		_, err := client.Do(timeout(t), func(op *client.Operation) error {
			return sys.Modify(op, `{"ResourcePath":"Container/MappedDirectories","RequestType":"Add","Settings":{"HostPath":"`+host+`","ContainerPath":"/early"}}`)
		})
		if !hresult.Is(err, hresult.E_INVALIDARG) || !strings.Contains(err.Error(), "/early is already mapped") {
			t.Fatalf("mapping /early twice: %v, want E_INVALIDARG", err)
		}
		mustDo(t, func(op *client.Operation) error { return sys.Start(op, "") })
		if got := memoryLimit(t, sys); got != "100663296" {
			t.Fatalf("memory limit %s, want 100663296 (96 MB, set before start)", got)
		}
		quota := strings.TrimSpace(mustRun(t, sys, "cat /sys/fs/cgroup/cpu/cpu.cfs_quota_us 2>/dev/null || cut -d' ' -f1 /sys/fs/cgroup/cpu.max"))
		if quota != "100000" {
			t.Fatalf("cpu quota %s, want 100000 (Count 1, set before start)", quota)
		}
		out := mustRun(t, sys, "cat /early/note; touch /early/x 2>/dev/null || echo READONLY; if test -e /dropped/note; then echo DROPPED-STILL-THERE; fi")
		if out != "mapped before start\nREADONLY\n" {
			t.Fatalf("directories mapped before start: %q", out)
		}
	})
}
