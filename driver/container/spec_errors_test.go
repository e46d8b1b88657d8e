package container

import (
	"errors"
	"strings"
	"testing"

	"github.com/linuxhcs/hcs/hresult"
	"github.com/linuxhcs/hcs/schema"
)

// validInput is a SpecInput that BuildSpec accepts; each error case breaks one thing.
func validInput() SpecInput {
	return SpecInput{
		ID:          "errcase",
		Container:   &schema.Container{},
		RootfsPath:  "/run/hcs/errcase/rootfs",
		Args:        []string{"/proc/self/fd/3", "--listen-fd=4"},
		CgroupsPath: "/hcs/errcase",
		HostCPUs:    2,
	}
}

// mapped returns n valid mapped directories with the last one replaced by last.
func mapped(n int, last schema.MappedDirectory) []schema.MappedDirectory {
	dirs := make([]schema.MappedDirectory, n)
	for i := range dirs {
		dirs[i] = schema.MappedDirectory{HostPath: "/srv/d" + string(rune('0'+i)), ContainerPath: "/d" + string(rune('0'+i))}
	}
	dirs[n-1] = last
	return dirs
}

// errorCases break one field each; msg is the exact start of the error message.
var errorCases = []struct {
	name string
	edit func(*SpecInput)
	code hresult.HRESULT
	msg  string
}{
	// The caller's part.
	{"nil container", func(in *SpecInput) { in.Container = nil }, hresult.E_INVALIDARG, "Container: required"},
	{"relative rootfs", func(in *SpecInput) { in.RootfsPath = "rootfs" }, hresult.E_INVALIDARG, "SpecInput.RootfsPath: must be a clean absolute path"},
	{"unclean rootfs", func(in *SpecInput) { in.RootfsPath = "/run/hcs/../rootfs" }, hresult.E_INVALIDARG, "SpecInput.RootfsPath: must be a clean absolute path"},
	{"no args", func(in *SpecInput) { in.Args = nil }, hresult.E_INVALIDARG, "SpecInput.Args: the init's argv is required"},
	{"empty argv0", func(in *SpecInput) { in.Args = []string{""} }, hresult.E_INVALIDARG, "SpecInput.Args: the init's argv is required"},
	{"relative netns", func(in *SpecInput) { in.NetworkNamespace = "netns/x" }, hresult.E_INVALIDARG, "SpecInput.NetworkNamespace: must be a clean absolute path"},
	{"negative cpus", func(in *SpecInput) { in.HostCPUs = -1 }, hresult.E_INVALIDARG, "SpecInput.HostCPUs: must not be negative"},
	{"negative pids", func(in *SpecInput) { in.PidsLimit = -1 }, hresult.E_INVALIDARG, "SpecInput.PidsLimit: must not be negative"},
	{"bad default hostname", func(in *SpecInput) { in.DefaultHostname = "a_b" }, hresult.E_INVALIDARG, "SpecInput.DefaultHostname: may hold only letters, digits, '-' and '.'"},

	// Mapped directories.
	{"host path missing", func(in *SpecInput) {
		in.Container.MappedDirectories = mapped(1, schema.MappedDirectory{ContainerPath: "/x"})
	},
		hresult.E_INVALIDARG, "$.Container.MappedDirectories[0].HostPath: required"},
	{"host path relative", func(in *SpecInput) {
		in.Container.MappedDirectories = mapped(2, schema.MappedDirectory{HostPath: "srv", ContainerPath: "/x"})
	}, hresult.E_INVALIDARG, "$.Container.MappedDirectories[1].HostPath: must be an absolute path"},
	{"container path missing", func(in *SpecInput) {
		in.Container.MappedDirectories = mapped(1, schema.MappedDirectory{HostPath: "/srv"})
	},
		hresult.E_INVALIDARG, "$.Container.MappedDirectories[0].ContainerPath: required"},
	{"container path relative", func(in *SpecInput) {
		in.Container.MappedDirectories = mapped(3, schema.MappedDirectory{HostPath: "/srv", ContainerPath: "data"})
	}, hresult.E_INVALIDARG, "$.Container.MappedDirectories[2].ContainerPath: must be an absolute path"},
	{"container path windows", func(in *SpecInput) {
		in.Container.MappedDirectories = mapped(1, schema.MappedDirectory{HostPath: "/srv", ContainerPath: `C:\data`})
	}, hresult.E_INVALIDARG, "$.Container.MappedDirectories[0].ContainerPath: must be an absolute path"},
	{"container path dotdot", func(in *SpecInput) {
		in.Container.MappedDirectories = mapped(1, schema.MappedDirectory{HostPath: "/srv", ContainerPath: "/data/../etc"})
	}, hresult.E_INVALIDARG, `$.Container.MappedDirectories[0].ContainerPath: must not contain ".."`},
	{"container path unclean", func(in *SpecInput) {
		in.Container.MappedDirectories = mapped(1, schema.MappedDirectory{HostPath: "/srv", ContainerPath: "/data//x/"})
	}, hresult.E_INVALIDARG, "$.Container.MappedDirectories[0].ContainerPath: must be a clean path"},
	{"container path root", func(in *SpecInput) {
		in.Container.MappedDirectories = mapped(1, schema.MappedDirectory{HostPath: "/srv", ContainerPath: "/"})
	}, hresult.E_INVALIDARG, "$.Container.MappedDirectories[0].ContainerPath: must not be the root directory"},
	{"shadows proc", func(in *SpecInput) {
		in.Container.MappedDirectories = mapped(1, schema.MappedDirectory{HostPath: "/srv", ContainerPath: "/proc"})
	}, hresult.E_INVALIDARG, "$.Container.MappedDirectories[0].ContainerPath: must not be /proc or inside it"},
	{"inside proc", func(in *SpecInput) {
		in.Container.MappedDirectories = mapped(1, schema.MappedDirectory{HostPath: "/srv", ContainerPath: "/proc/sys"})
	}, hresult.E_INVALIDARG, "$.Container.MappedDirectories[0].ContainerPath: must not be /proc or inside it"},
	{"shadows sys", func(in *SpecInput) {
		in.Container.MappedDirectories = mapped(1, schema.MappedDirectory{HostPath: "/srv", ContainerPath: "/sys"})
	}, hresult.E_INVALIDARG, "$.Container.MappedDirectories[0].ContainerPath: must not be /sys or inside it"},
	{"inside dev", func(in *SpecInput) {
		in.Container.MappedDirectories = mapped(1, schema.MappedDirectory{HostPath: "/srv", ContainerPath: "/dev/null"})
	}, hresult.E_INVALIDARG, "$.Container.MappedDirectories[0].ContainerPath: must not be /dev or inside it"},
	{"duplicate target", func(in *SpecInput) {
		in.Container.MappedDirectories = mapped(2, schema.MappedDirectory{HostPath: "/srv", ContainerPath: "/d0"})
	}, hresult.E_INVALIDARG, `$.Container.MappedDirectories[1].ContainerPath: "/d0" is already mapped by $.Container.MappedDirectories[0]`},
	{"vsmb host path", func(in *SpecInput) {
		in.Container.MappedDirectories = mapped(1, schema.MappedDirectory{HostPath: "/srv", ContainerPath: "/x", HostPathType: schema.PathTypeVirtualSmbShareName})
	}, hresult.ERROR_NOT_SUPPORTED, "$.Container.MappedDirectories[0].HostPathType: not supported on Linux"},

	// Storage.
	{"layer path missing", func(in *SpecInput) {
		in.Container.Storage = &schema.Storage{Layers: []schema.Layer{{Path: "/l0"}, {Id: "x"}}}
	}, hresult.E_INVALIDARG, "$.Container.Storage.Layers[1].Path: required"},
	{"layer path relative", func(in *SpecInput) {
		in.Container.Storage = &schema.Storage{Layers: []schema.Layer{{Path: "layers/0"}}}
	},
		hresult.E_INVALIDARG, "$.Container.Storage.Layers[0].Path: must be an absolute path"},
	{"layer vsmb", func(in *SpecInput) {
		in.Container.Storage = &schema.Storage{Layers: []schema.Layer{{Path: "share", PathType: schema.PathTypeVirtualSmbShareName}}}
	}, hresult.ERROR_NOT_SUPPORTED, "$.Container.Storage.Layers[0].PathType: not supported on Linux"},
	{"scratch relative", func(in *SpecInput) { in.Container.Storage = &schema.Storage{Path: "scratch"} },
		hresult.E_INVALIDARG, "$.Container.Storage.Path: must be an absolute path"},
	{"storage qos", func(in *SpecInput) { in.Container.Storage = &schema.Storage{QoS: &schema.StorageQoS{IopsMaximum: 100}} },
		hresult.ERROR_NOT_SUPPORTED, "$.Container.Storage.QoS: not supported on Linux"},
	{"privileged root", func(in *SpecInput) { in.Container.Storage = &schema.Storage{PrivilegedContainerRootPath: "/x"} },
		hresult.ERROR_NOT_SUPPORTED, "$.Container.Storage.PrivilegedContainerRootPath: not supported on Linux"},

	// Host name.
	{"hostname too long", func(in *SpecInput) { in.Container.GuestOs = &schema.GuestOs{HostName: strings.Repeat("a.", 33)} },
		hresult.E_INVALIDARG, "$.Container.GuestOs.HostName: must be at most 64 characters"},
	{"hostname bad char", func(in *SpecInput) { in.Container.GuestOs = &schema.GuestOs{HostName: "web 01"} },
		hresult.E_INVALIDARG, "$.Container.GuestOs.HostName: may hold only letters, digits, '-' and '.'"},
	{"hostname hyphen", func(in *SpecInput) { in.Container.GuestOs = &schema.GuestOs{HostName: "-web"} },
		hresult.E_INVALIDARG, "$.Container.GuestOs.HostName: labels must not begin or end with '-'"},
	{"hostname empty label", func(in *SpecInput) { in.Container.GuestOs = &schema.GuestOs{HostName: "web..example"} },
		hresult.E_INVALIDARG, "$.Container.GuestOs.HostName: must not have an empty label"},

	// Resources.
	{"memory overflow", func(in *SpecInput) { in.Container.Memory = &schema.ContainerMemory{SizeInMB: 1 << 44} },
		hresult.E_INVALIDARG, "$.Container.Memory.SizeInMB: 17592186044416 MB does not fit"},
	{"two cpu limits", func(in *SpecInput) { in.Container.Processor = &schema.ContainerProcessor{Count: 1, Weight: 10} },
		hresult.E_INVALIDARG, "$.Container.Processor: at most one of Count, Maximum and Weight may be set"},
	{"maximum too big", func(in *SpecInput) { in.Container.Processor = &schema.ContainerProcessor{Maximum: 10001} },
		hresult.E_INVALIDARG, "$.Container.Processor.Maximum: must be in 1..10000, got 10001"},
	{"maximum negative", func(in *SpecInput) { in.Container.Processor = &schema.ContainerProcessor{Maximum: -5} },
		hresult.E_INVALIDARG, "$.Container.Processor.Maximum: must be in 1..10000, got -5"},
	{"weight too big", func(in *SpecInput) { in.Container.Processor = &schema.ContainerProcessor{Weight: 10001} },
		hresult.E_INVALIDARG, "$.Container.Processor.Weight: must be in 0..10000, got 10001"},
	{"maximum without cpus", func(in *SpecInput) {
		in.HostCPUs = 0
		in.Container.Processor = &schema.ContainerProcessor{Maximum: 5000}
	}, hresult.E_INVALIDARG, "SpecInput.HostCPUs: the host's CPU count is required with $.Container.Processor.Maximum"},

	// Networking.
	{"shared network", func(in *SpecInput) { in.Container.Networking = &schema.Networking{NetworkSharedContainerName: "other"} },
		hresult.ERROR_NOT_SUPPORTED, "$.Container.Networking.NetworkSharedContainerName: not supported on Linux"},
	{"hns endpoints", func(in *SpecInput) { in.Container.Networking = &schema.Networking{NetworkAdapters: []string{"x"}} },
		hresult.ERROR_NOT_SUPPORTED, "$.Container.Networking.NetworkAdapters: not supported on Linux"},
	{"dns search", func(in *SpecInput) { in.Container.Networking = &schema.Networking{DnsSearchList: "example.com"} },
		hresult.ERROR_NOT_SUPPORTED, "$.Container.Networking.DnsSearchList: not supported on Linux"},
	{"netns unclean", func(in *SpecInput) { in.Container.Networking = &schema.Networking{Namespace: "/run/netns/../x"} },
		hresult.E_INVALIDARG, "$.Container.Networking.Namespace: must be a clean absolute path"},
	{"netns conflict", func(in *SpecInput) {
		in.NetworkNamespace = "/run/netns/a"
		in.Container.Networking = &schema.Networking{Namespace: "/run/netns/b"}
	}, hresult.E_INVALIDARG, `$.Container.Networking.Namespace: "/run/netns/b" differs from the namespace the driver prepared`},

	// Windows-only settings.
	{"mapped pipes", func(in *SpecInput) {
		in.Container.MappedPipes = []schema.MappedPipe{{ContainerPipeName: "p", HostPath: `\\.\pipe\p`}}
	},
		hresult.ERROR_NOT_SUPPORTED, "$.Container.MappedPipes: not supported on Linux"},
	{"hvsocket", func(in *SpecInput) { in.Container.HvSocket = &schema.ContainerHvSocket{} },
		hresult.ERROR_NOT_SUPPORTED, "$.Container.HvSocket: not supported on Linux"},
	{"credential guard", func(in *SpecInput) { in.Container.ContainerCredentialGuard = &schema.ContainerCredentialGuardState{} },
		hresult.ERROR_NOT_SUPPORTED, "$.Container.ContainerCredentialGuard: not supported on Linux"},
	{"registry", func(in *SpecInput) {
		in.Container.RegistryChanges = &schema.RegistryChanges{AddValues: []schema.RegistryValue{{}}}
	}, hresult.ERROR_NOT_SUPPORTED, "$.Container.RegistryChanges: not supported on Linux"},
	{"devices", func(in *SpecInput) { in.Container.AssignedDevices = []schema.Device{{LocationPath: "x"}} },
		hresult.ERROR_NOT_SUPPORTED, "$.Container.AssignedDevices: not supported on Linux"},
	{"device namespace", func(in *SpecInput) {
		in.Container.AdditionalDeviceNamespace = &schema.ContainersDefDevice{DeviceExtension: []schema.DeviceExtension{{}}}
	}, hresult.ERROR_NOT_SUPPORTED, "$.Container.AdditionalDeviceNamespace: not supported on Linux"},
	{"host process", func(in *SpecInput) { in.Container.IsolationType = "HostProcess" },
		hresult.ERROR_NOT_SUPPORTED, "$.Container.IsolationType: not supported on Linux"},
}

// TestBuildSpecErrors checks that every invalid or unsupported field fails with its code and a
// message that starts with the field's path.
func TestBuildSpecErrors(t *testing.T) {
	for _, tc := range errorCases {
		t.Run(tc.name, func(t *testing.T) {
			in := validInput()
			tc.edit(&in)
			spec, err := BuildSpec(in)
			if err == nil {
				t.Fatalf("BuildSpec succeeded: %+v", spec)
			}
			var he *hresult.Error
			if !errors.As(err, &he) {
				t.Fatalf("error %v (%T) is not an *hresult.Error", err, err)
			}
			if he.Code != tc.code || !errors.Is(err, tc.code) {
				t.Errorf("code %v, want %v", he.Code, tc.code)
			}
			if !strings.HasPrefix(he.Message, tc.msg) {
				t.Errorf("message %q\nwant prefix %q", he.Message, tc.msg)
			}
		})
	}
}

// TestBuildSpecValidInput makes sure the base of the error cases is accepted.
func TestBuildSpecValidInput(t *testing.T) {
	if _, err := BuildSpec(validInput()); err != nil {
		t.Fatal(err)
	}
}
