package vm

import (
	"github.com/linuxhcs/hcs/hresult"
	"github.com/linuxhcs/hcs/schema"
)

// CheckShutdownOptions refuses the ShutdownOptions members QEMU here cannot honour, with
// ERROR_NOT_SUPPORTED naming the member. Mechanism GuestConnection shuts down through the
// guest agent, IntegrationService through an ACPI power-button press (the guest's own
// shutdown service answers it, as Hyper-V's shutdown component would), and no Mechanism
// uses the agent when one is connected, else ACPI. Force terminates at once and Reason is
// logged by the service. Hibernate needs a guest that writes its memory to its own disk,
// which neither path can ask for; Reboot is refused because the agent and the processes it
// reports do not survive a reset, which a system that stays Running would have to hide.
func CheckShutdownOptions(o *schema.ShutdownOptions) error {
	if o == nil {
		return nil
	}
	switch o.Type {
	case schema.ShutdownTypeHibernate:
		return refuseOption("$.Type", string(o.Type), "the guest would have to hibernate to its own disk")
	case schema.ShutdownTypeReboot:
		return refuseOption("$.Type", string(o.Type), "the guest agent and its processes do not survive a reset; terminate the VM and create it again")
	}
	return nil
}

// checkMechanism refuses Mechanism GuestConnection for a VM whose guest agent is not
// connected: the caller asked for that way down and no other.
func checkMechanism(m schema.ShutdownMechanism, connected bool) error {
	if m == schema.ShutdownMechanismGuestConnection && !connected {
		return refuseOption("$.Mechanism", string(m), "this VM has no guest connection")
	}
	return nil
}

// CheckPauseOptions refuses the PauseOptions members QEMU here cannot honour. Pause stops
// the guest's processors, which is SuspensionLevel Suspend; QEMU cannot trim a stopped
// guest's memory as the Memory levels ask. HostedNotification Save is accepted: a stopped
// guest is what a save needs and no component inside the guest waits for the notice.
// Template is refused because saving as a template is (see Save).
func CheckPauseOptions(o *schema.PauseOptions) error {
	if o == nil {
		return nil
	}
	if o.SuspensionLevel != "" && o.SuspensionLevel != schema.PauseSuspensionLevelSuspend {
		return refuseOption("$.SuspensionLevel", string(o.SuspensionLevel), "QEMU cannot trim a paused guest's memory; use Suspend")
	}
	if n := o.HostedNotification; n != nil && n.Reason == schema.PauseReasonTemplate {
		return refuseOption("$.HostedNotification.Reason", string(n.Reason), "saving as a template is not supported")
	}
	return nil
}

// CheckCrashOptions accepts every CrashOptions: CrashGuest, the only Type, is what Crash does
// (a non-maskable interrupt).
func CheckCrashOptions(*schema.CrashOptions) error {
	return nil
}

// refuseOption is the ERROR_NOT_SUPPORTED error for a value of the options member at path.
func refuseOption(path, value, why string) error {
	return hresult.Errorf(hresult.ERROR_NOT_SUPPORTED, "%s: %s is not supported by the VM driver: %s", path, value, why)
}

// CheckSaveOptions refuses SaveType AsTemplate: QEMU has no clone templates. ToFile is
// honoured by Save.
func CheckSaveOptions(o *schema.SaveOptions) error {
	if o != nil && o.SaveType == schema.SaveTypeAsTemplate {
		return refuseOption("$.SaveType", string(o.SaveType), "QEMU has no clone templates; save ToFile and restore with RestoreState.SaveStateFilePath")
	}
	return nil
}
