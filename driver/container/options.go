package container

import (
	"github.com/linuxhcs/hcs/hresult"
	"github.com/linuxhcs/hcs/schema"
)

// CheckShutdownOptions refuses the ShutdownOptions members a container cannot honour, with
// ERROR_NOT_SUPPORTED naming the member (the code hcsshim's IsNotSupported recognises). The
// container's agent is its guest connection, so Mechanism GuestConnection is what every
// shutdown uses; Force stops the container at once (Shutdown) and Reason is logged by the
// service. A container has no integration services, cannot reboot its init in place and has
// no memory image to hibernate.
func CheckShutdownOptions(o *schema.ShutdownOptions) error {
	if o == nil {
		return nil
	}
	if o.Mechanism == schema.ShutdownMechanismIntegrationService {
		return refuse("$.Mechanism", string(o.Mechanism), "a container has no integration services; use GuestConnection")
	}
	switch o.Type {
	case schema.ShutdownTypeReboot:
		return refuse("$.Type", string(o.Type), "a container cannot restart its init in place; terminate it and create it again")
	case schema.ShutdownTypeHibernate:
		return refuse("$.Type", string(o.Type), "a container has no memory image to hibernate")
	}
	return nil
}

// CheckPauseOptions refuses the PauseOptions members a container cannot honour. Pausing
// freezes the container's cgroup, which is SuspensionLevel Suspend; the Memory levels trim
// a paused VM's memory, which a frozen cgroup has no equivalent for. HostedNotification
// tells systems hosted inside this one why it pauses: a container hosts none, so only
// Reason None is accepted.
func CheckPauseOptions(o *schema.PauseOptions) error {
	if o == nil {
		return nil
	}
	if o.SuspensionLevel != "" && o.SuspensionLevel != schema.PauseSuspensionLevelSuspend {
		return refuse("$.SuspensionLevel", string(o.SuspensionLevel), "a container is paused by freezing its processes; use Suspend")
	}
	if n := o.HostedNotification; n != nil && n.Reason != "" && n.Reason != schema.PauseReasonNone {
		return refuse("$.HostedNotification.Reason", string(n.Reason), "a container hosts no systems to notify")
	}
	return nil
}

// CheckCrashOptions accepts every CrashOptions: CrashGuest, the only Type, is what Crash does
// to a container (its init is killed and the crash reported).
func CheckCrashOptions(*schema.CrashOptions) error {
	return nil
}

// refuse is the ERROR_NOT_SUPPORTED error for a value of the options member at path.
func refuse(path, value, why string) error {
	return hresult.Errorf(hresult.ERROR_NOT_SUPPORTED, "%s: %s is not supported by containers: %s", path, value, why)
}
