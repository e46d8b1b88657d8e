package container

import (
	"path/filepath"

	specs "github.com/opencontainers/runtime-spec/specs-go"

	"github.com/linuxhcs/hcs/schema"
)

// namespacesFor lists the container's namespaces: new pid, mount, ipc and uts namespaces, a
// cgroup namespace on a unified cgroup2 host, and a network namespace that is either joined
// (a path) or new. There is no user namespace; doc.go says why.
//
// On Windows Networking.Namespace is an HNS namespace GUID. On Linux an absolute path there
// names a network namespace file to join (/run/netns/<name>, /proc/<pid>/ns/net); any other
// value, such as a GUID, means a new namespace, whose loopback the runtime and agent bring up.
// The caller may instead pass a namespace it created in SpecInput.NetworkNamespace; the two
// must not disagree.
func namespacesFor(n *schema.Networking, in SpecInput) ([]specs.LinuxNamespace, error) {
	netPath, err := networkNamespacePath(n, in.NetworkNamespace)
	if err != nil {
		return nil, err
	}
	ns := []specs.LinuxNamespace{
		{Type: specs.PIDNamespace},
		{Type: specs.NetworkNamespace, Path: netPath},
		{Type: specs.IPCNamespace},
		{Type: specs.UTSNamespace},
		{Type: specs.MountNamespace},
	}
	if in.Cgroups.Unified {
		ns = append(ns, specs.LinuxNamespace{Type: specs.CgroupNamespace})
	}
	return ns, nil
}

// networkNamespacePath returns the network namespace to join, or "" for a new one, and
// rejects the Networking settings that cannot be honoured.
func networkNamespacePath(n *schema.Networking, given string) (string, error) {
	if n == nil {
		return given, nil
	}
	switch {
	case n.NetworkSharedContainerName != "":
		return "", notSupported("$.Container.Networking.NetworkSharedContainerName", "sharing another container's network is not implemented yet; pass that container's network namespace path in Namespace")
	case len(n.NetworkAdapters) > 0:
		return "", notSupported("$.Container.Networking.NetworkAdapters", "HNS endpoints do not exist on Linux; attach interfaces to a network namespace and pass its path in Namespace")
	case n.DnsSearchList != "":
		return "", notSupported("$.Container.Networking.DnsSearchList", "DNS settings are not applied to containers; map or write /etc/resolv.conf instead")
	}
	if !filepath.IsAbs(n.Namespace) {
		return given, nil
	}
	if filepath.Clean(n.Namespace) != n.Namespace {
		return "", invalidArg("$.Container.Networking.Namespace", "must be a clean absolute path, got %q", n.Namespace)
	}
	if given != "" && given != n.Namespace {
		return "", invalidArg("$.Container.Networking.Namespace", "%q differs from the namespace the driver prepared (%q)", n.Namespace, given)
	}
	return n.Namespace, nil
}
