package container

import (
	"encoding/json"
	"errors"
	"strings"
	"testing"

	"github.com/linuxhcs/hcs/hresult"
	"github.com/linuxhcs/hcs/schema"
)

// FuzzBuildSpec translates arbitrary Container documents. BuildSpec must not panic, must fail
// only with E_INVALIDARG or ERROR_NOT_SUPPORTED, and a spec it returns must keep its guarantees.
func FuzzBuildSpec(f *testing.F) {
	f.Add(`{}`, "id", 2)
	f.Add(`{"GuestOs":{"HostName":"a.b"},"MappedDirectories":[{"HostPath":"/h","ContainerPath":"/c","ReadOnly":true}]}`, "x", 1)
	f.Add(`{"MappedDirectories":[{"HostPath":"/h","ContainerPath":"/proc/../dev"}]}`, "", 0)
	f.Add(`{"Processor":{"Maximum":1},"Memory":{"SizeInMB":1}}`, "y", 64)
	f.Add(`{"Processor":{"Weight":10000}}`, "z", 1)
	f.Add(`{"Networking":{"Namespace":"/proc/1/ns/net"}}`, "n", 1)
	f.Fuzz(func(t *testing.T, doc, id string, cpus int) {
		var c schema.Container
		if json.Unmarshal([]byte(doc), &c) != nil {
			return
		}
		in := validInput()
		in.ID, in.Container, in.HostCPUs = id, &c, cpus%1024
		spec, err := BuildSpec(in)
		if err != nil {
			var he *hresult.Error
			if !errors.As(err, &he) || (he.Code != hresult.E_INVALIDARG && he.Code != hresult.ERROR_NOT_SUPPORTED) {
				t.Fatalf("unexpected error %v", err)
			}
			return
		}
		if why := hostnameProblem(spec.Hostname); why != "" {
			t.Fatalf("host name %q: %s", spec.Hostname, why)
		}
		for _, m := range spec.Mounts[len(standardMounts()):] {
			if checkContainerPath("mount", m.Destination) != nil {
				t.Fatalf("mapped directory at %q", m.Destination)
			}
		}
		if !spec.Process.NoNewPrivileges || spec.Linux.Seccomp == nil || spec.Linux.Resources.Pids == nil {
			t.Fatal("a default protection is missing")
		}
		if cpu := spec.Linux.Resources.CPU; cpu != nil && cpu.Quota != nil && *cpu.Quota < minCPUQuota {
			t.Fatalf("quota %d below the kernel's minimum", *cpu.Quota)
		}
		if strings.Contains(spec.Root.Path, "..") {
			t.Fatalf("root %q", spec.Root.Path)
		}
	})
}
