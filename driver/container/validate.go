package container

import (
	"fmt"
	"path/filepath"

	"github.com/linuxhcs/hcs/hresult"
	"github.com/linuxhcs/hcs/schema"
)

// checkContainer rejects the Windows-only settings BuildSpec cannot honour and validates the
// storage paths the driver will mount. Mapped directories, networking and resources are
// checked where they are translated.
func checkContainer(c *schema.Container) error {
	if err := checkWindowsOnly(c); err != nil {
		return err
	}
	return checkStorage(c.Storage)
}

// checkWindowsOnly fails with ERROR_NOT_SUPPORTED for the first Windows-only field that is set.
func checkWindowsOnly(c *schema.Container) error {
	unsupported := []struct {
		field string
		set   bool
		why   string
	}{
		{"MappedPipes", len(c.MappedPipes) > 0, "named pipes do not exist on Linux; map a directory holding a unix socket instead"},
		{"HvSocket", c.HvSocket != nil, "there is no Hyper-V socket service for containers on Linux"},
		{"ContainerCredentialGuard", c.ContainerCredentialGuard != nil, "credential guard is a Windows service"},
		{"RegistryChanges", c.RegistryChanges != nil && (len(c.RegistryChanges.AddValues) > 0 || len(c.RegistryChanges.DeleteKeys) > 0), "Linux containers have no registry"},
		{"AssignedDevices", len(c.AssignedDevices) > 0, "device assignment is not supported for containers"},
		{"AdditionalDeviceNamespace", c.AdditionalDeviceNamespace != nil && len(c.AdditionalDeviceNamespace.DeviceExtension) > 0, "device extensions are not supported for containers"},
		{"IsolationType", c.IsolationType != "", "host-process containers are not supported"},
	}
	for _, u := range unsupported {
		if u.set {
			return notSupported("$.Container."+u.field, u.why)
		}
	}
	return nil
}

// checkStorage validates the layer and scratch paths. They are mounted by the driver, not by
// the spec, but a bad path is the caller's mistake and is reported here, before any mount.
func checkStorage(s *schema.Storage) error {
	if s == nil {
		return nil
	}
	for i, l := range s.Layers {
		field := fmt.Sprintf("$.Container.Storage.Layers[%d]", i)
		if l.PathType == schema.PathTypeVirtualSmbShareName {
			return notSupported(field+".PathType", "virtual SMB shares exist only inside Hyper-V isolated systems")
		}
		if err := checkHostPath(field+".Path", l.Path); err != nil {
			return err
		}
	}
	if s.Path != "" && !filepath.IsAbs(s.Path) {
		return invalidArg("$.Container.Storage.Path", "must be an absolute path, got %q", s.Path)
	}
	if s.QoS != nil && (s.QoS.IopsMaximum != 0 || s.QoS.BandwidthMaximum != 0) {
		return notSupported("$.Container.Storage.QoS", "storage rate limits are not supported for containers")
	}
	if s.PrivilegedContainerRootPath != "" {
		return notSupported("$.Container.Storage.PrivilegedContainerRootPath", "host-process containers are not supported")
	}
	return nil
}

// checkHostPath requires a non-empty absolute host path.
func checkHostPath(field, p string) error {
	switch {
	case p == "":
		return invalidArg(field, "required")
	case !filepath.IsAbs(p):
		return invalidArg(field, "must be an absolute path, got %q", p)
	}
	return nil
}

// invalidArg is an E_INVALIDARG error naming field.
func invalidArg(field, format string, args ...any) error {
	return hresult.Errorf(hresult.E_INVALIDARG, "%s: %s", field, fmt.Sprintf(format, args...))
}

// notSupported is an ERROR_NOT_SUPPORTED error naming field and saying why; hcsshim's
// IsNotSupported recognises the code.
func notSupported(field, why string) error {
	return hresult.Errorf(hresult.ERROR_NOT_SUPPORTED, "%s: not supported on Linux: %s", field, why)
}
