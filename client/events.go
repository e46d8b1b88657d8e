package client

import "github.com/linuxhcs/hcs/wire"

// EventType is HCS_EVENT_TYPE (spec HCS-API.md §2.2).
type EventType = wire.EventType

// The event types with their exact values.
const (
	EventInvalid                           = wire.EventInvalid
	EventSystemExited                      = wire.EventSystemExited
	EventSystemCrashInitiated              = wire.EventSystemCrashInitiated
	EventSystemCrashReport                 = wire.EventSystemCrashReport
	EventSystemRdpEnhancedModeStateChanged = wire.EventSystemRdpEnhancedModeStateChanged
	EventSystemSiloJobCreated              = wire.EventSystemSiloJobCreated
	EventSystemGuestConnectionClosed       = wire.EventSystemGuestConnectionClosed
	EventProcessExited                     = wire.EventProcessExited
	EventOperationCallback                 = wire.EventOperationCallback
	EventServiceDisconnect                 = wire.EventServiceDisconnect
	EventGroupVmLifecycle                  = wire.EventGroupVmLifecycle
	EventGroupLiveMigration                = wire.EventGroupLiveMigration
	EventGroupOperationInfo                = wire.EventGroupOperationInfo
)

// EventOptions is HCS_EVENT_OPTIONS (spec HCS-API.md §2.3), a set of bit flags.
type EventOptions uint32

// The event options with their exact values.
const (
	EventOptionNone                     EventOptions = 0x0
	EventOptionEnableOperationCallbacks EventOptions = 0x1
	EventOptionEnableVmLifecycle        EventOptions = 0x2
	EventOptionEnableLiveMigration      EventOptions = 0x4
)

// Event is HCS_EVENT: what an event callback receives.
type Event struct {
	// Type says what happened.
	Type EventType
	// Data is the event's JSON document (SystemExitStatus, ProcessStatus, CrashReport) or
	// empty when the type has none.
	Data string
	// Operation is the completed operation, set only for EventOperationCallback.
	Operation *Operation
}

// EventCallback receives the events of one handle, one at a time and in order, on a goroutine
// owned by the client.
type EventCallback func(Event)
