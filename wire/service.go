package wire

import (
	"context"
	"os"
)

// Ref is a reference to one open handle (of a system or a process) within a session. The
// client chooses it for the call that opens the handle, so it can route the handle's events
// before that call returns: an event can then never arrive for a handle the client does not
// know yet. Refs are never zero; the service refuses one that names an open handle of the
// session with E_INVALIDARG, and a client never reuses one within a session (an event still
// on its way for a closed handle must not reach a new one).
type Ref uint64

// Service is one client session with the compute service. A session owns the handles it
// opened: closing the session closes them all (which may terminate systems created with
// ShouldTerminateOnLastHandleClosed). Every method blocks until the service finished the
// request; asynchrony (HCS operations) is built on top by the client.
//
// Documents are passed as JSON text exactly as the HCS C API takes them; an empty string
// means "no document" (NULL). Errors carry HRESULTs (see package hresult).
type Service interface {
	// CreateSystem creates a compute system from a ComputeSystem document and opens a handle
	// to it as ref. The system is in state Created when the call returns.
	CreateSystem(ctx context.Context, ref Ref, id, config string) error
	// OpenSystem opens another handle to an existing system as ref.
	OpenSystem(ctx context.Context, ref Ref, id string) error
	// CloseSystem releases a system handle.
	CloseSystem(ctx context.Context, system Ref) error
	// SystemOp performs a lifecycle operation (Start, ShutDown, Terminate, Crash, Pause,
	// Resume, Save) with its optional options document.
	SystemOp(ctx context.Context, system Ref, op SystemOp, options string) error
	// SystemProperties answers a System_PropertyQuery with a Properties document.
	SystemProperties(ctx context.Context, system Ref, query string) (string, error)
	// ModifySystem applies a ModifySettingRequest.
	ModifySystem(ctx context.Context, system Ref, request string) error
	// EnumerateSystems answers a SystemQuery with a JSON array of Properties.
	EnumerateSystems(ctx context.Context, query string) (string, error)

	// CreateProcess starts a process described by a ProcessParameters document and opens a
	// handle to it as ref.
	CreateProcess(ctx context.Context, system, ref Ref, params string) (ProcessInfo, error)
	// OpenProcess opens a handle, as ref, to a process of the system by its pid.
	OpenProcess(ctx context.Context, system, ref Ref, pid uint32) error
	// CloseProcess releases a process handle; the process keeps running.
	CloseProcess(ctx context.Context, process Ref) error
	// ProcessOp performs Terminate or Signal (with a SignalProcessOptions document).
	ProcessOp(ctx context.Context, process Ref, op ProcessOp, options string) error
	// ProcessInfo returns the pid and fresh duplicates of the caller's stdio ends.
	ProcessInfo(ctx context.Context, process Ref) (ProcessInfo, error)
	// ProcessProperties returns the ProcessStatus document.
	ProcessProperties(ctx context.Context, process Ref, query string) (string, error)
	// ModifyProcess applies a ProcessModifyRequest.
	ModifyProcess(ctx context.Context, process Ref, request string) error

	// ServiceProperties answers a Service_PropertyQuery with a ServiceProperties document.
	ServiceProperties(ctx context.Context, query string) (string, error)
	// ModifyServiceSettings applies a ModificationRequest.
	ModifyServiceSettings(ctx context.Context, settings string) error
	// SubmitWerReport stores a CrashReport document.
	SubmitWerReport(ctx context.Context, report string) error
	// Utility runs one of the synchronous storage or VM utility functions with its string
	// arguments (paths and documents, in the C function's order) and, for the functions that
	// take a VHD handle, the open image file. It returns the function's string result (a
	// mount path, a document), or "".
	Utility(ctx context.Context, fn UtilityFunc, args []string, file *os.File) (string, error)

	// Events returns the stream of events for the handles of this session. There is one
	// stream per session; it is closed when the session ends. Events for one handle arrive
	// in the order they happened.
	Events() <-chan Event
	// Close ends the session and releases every handle it holds.
	Close() error
}

// SystemOp names a compute-system lifecycle operation.
type SystemOp string

// The lifecycle operations, named after the HCS functions that request them.
const (
	OpStart     SystemOp = "Start"
	OpShutDown  SystemOp = "ShutDown"
	OpTerminate SystemOp = "Terminate"
	OpCrash     SystemOp = "Crash"
	OpPause     SystemOp = "Pause"
	OpResume    SystemOp = "Resume"
	OpSave      SystemOp = "Save"
)

// ProcessOp names a process operation.
type ProcessOp string

// The process operations.
const (
	OpTerminateProcess ProcessOp = "Terminate"
	OpSignalProcess    ProcessOp = "Signal"
)

// ProcessInfo is HCS_PROCESS_INFORMATION: the pid inside the compute system and the caller's
// ends of the stdio streams that were requested (nil when not requested). The caller owns the
// files and must close them.
type ProcessInfo struct {
	ProcessID uint32
	StdInput  *os.File
	StdOutput *os.File
	StdError  *os.File
}

// EventType is HCS_EVENT_TYPE (spec HCS-API.md §2.2).
type EventType uint32

// The event types with their exact values.
const (
	EventInvalid                           EventType = 0x00000000
	EventSystemExited                      EventType = 0x00000001
	EventSystemCrashInitiated              EventType = 0x00000002
	EventSystemCrashReport                 EventType = 0x00000003
	EventSystemRdpEnhancedModeStateChanged EventType = 0x00000004
	EventSystemSiloJobCreated              EventType = 0x00000005
	EventSystemGuestConnectionClosed       EventType = 0x00000006
	EventProcessExited                     EventType = 0x00010000
	EventOperationCallback                 EventType = 0x01000000
	EventServiceDisconnect                 EventType = 0x02000000
	EventGroupVmLifecycle                  EventType = 0x80000002
	EventGroupLiveMigration                EventType = 0x80000003
	EventGroupOperationInfo                EventType = 0xC0000001
)

// Event is one notification for one handle of the session.
type Event struct {
	// Handle is the system or process handle the event is for.
	Handle Ref
	// Type is the HCS event type.
	Type EventType
	// Data is the event's JSON document (SystemExitStatus, ProcessStatus, CrashReport), or
	// empty when the event type has none.
	Data string
}
