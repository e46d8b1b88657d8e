// Package driver defines what a compute-system back-end implements: the container driver
// (an OCI runtime plus hcs-agent) and the VM driver (QEMU plus hcs-agent) both satisfy
// Driver, and both must pass the shared conformance suite in driver/drivertest. The host core
// talks only to these interfaces and never names a concrete back-end.
//
// The host owns the lifecycle state machine, handles, events and the process table; a driver
// only does the work. The host serialises lifecycle calls on one system, so a driver's
// System never sees two lifecycle calls at once, but process calls may run concurrently with
// each other and with lifecycle calls.
package driver

import (
	"context"
	"os"

	"github.com/linuxhcs/hcs/schema"
)

// Driver creates compute systems of one kind.
type Driver interface {
	// Name identifies the driver in logs and properties ("container", "vm").
	Name() string
	// Create prepares a system without starting it. On error it leaves nothing behind.
	Create(ctx context.Context, req CreateRequest) (System, error)
}

// CreateRequest is everything a driver needs to create one system.
type CreateRequest struct {
	// ID is the validated compute-system id (safe to use in paths and names).
	ID string
	// Config is the validated ComputeSystem document.
	Config *schema.ComputeSystem
	// StateDir is a directory private to this system that the driver may use for its state;
	// the host creates it before Create and removes it after Close.
	StateDir string
	// Notify receives what happens to the system without being asked.
	Notify Notifier
}

// Notifier is how a driver reports asynchronous happenings to the host. It reports facts:
// the host, which knows which stop a caller asked for, owns the lifecycle state and decides
// what they mean (the exit type, for one). Its methods must not block for long and may be
// called from any goroutine.
type Notifier interface {
	// Exited reports that the system stopped, for whatever reason (its own exit, Shutdown,
	// Terminate, a crash). It must be called exactly once per started system.
	Exited(exit Exit)
	// ProcessExited reports the exit of a process that outlived a service restart: one
	// listed in Recovered.Processes, or one that exited while the service was down.
	// Processes created by CreateProcess report theirs to ProcessRequest.OnExit instead.
	// exitCode follows the shell convention: 128+N when the process was killed by signal N.
	ProcessExited(pid uint32, exitCode uint32)
	// Crashed reports a guest crash: initiated (the crash began) or completed (the report is
	// final and suitable for HcsSubmitWerReport).
	Crashed(report schema.CrashReport, completed bool)
	// GuestConnectionClosed reports that the guest agent connection dropped.
	GuestConnectionClosed()
}

// Exit is what a driver saw when a system stopped.
type Exit struct {
	// Cause says how the system ended, as its back-end saw it.
	Cause ExitCause
	// Status is an HRESULT explaining the end, 0 when the back-end has none to give.
	Status int32
	// Attribution explains the end further (a save, a guest crash).
	Attribution []schema.AttributionRecord
}

// ExitCause says how a system ended, as its back-end saw it.
type ExitCause string

const (
	// ExitStopped: the process that embodies the system (a container's init, QEMU) ended:
	// it was stopped or killed, or it died.
	ExitStopped ExitCause = "Stopped"
	// ExitPoweredOff: the guest powered itself off (or reset, which ends the VM too).
	ExitPoweredOff ExitCause = "PoweredOff"
	// ExitCrashed: the guest crashed.
	ExitCrashed ExitCause = "Crashed"
)

// System is one compute system as the driver sees it.
type System interface {
	// Start boots the system; it returns once processes can be created.
	Start(ctx context.Context) error
	// Shutdown asks the system to stop gracefully and returns once it stopped. When ctx ends
	// first it returns ctx's error; the host then falls back to Terminate.
	Shutdown(ctx context.Context, opts *schema.ShutdownOptions) error
	// Terminate stops the system forcibly and returns once it stopped.
	Terminate(ctx context.Context) error
	// Crash forces the system down as a crash, reporting it through Notifier.Crashed.
	Crash(ctx context.Context, opts *schema.CrashOptions) error
	// Pause freezes every process of the system.
	Pause(ctx context.Context, opts *schema.PauseOptions) error
	// Resume thaws a paused system.
	Resume(ctx context.Context) error
	// Save writes the state of a paused system as the options ask.
	Save(ctx context.Context, opts *schema.SaveOptions) error
	// Properties fills the driver-owned parts of props (Statistics, Memory, ProcessList, ...)
	// for the requested property types. Basic fields are filled by the host.
	Properties(ctx context.Context, types []schema.SystemPropertyType, props *schema.Properties) error
	// Modify applies a validated ModifySettingRequest. It is also called on a system that
	// was created but not started (never at the same time as Start): a change made then is
	// part of the system when it starts. A resource that cannot change before Start is
	// refused with HCS_E_INVALID_STATE.
	Modify(ctx context.Context, req *schema.ModifySettingRequest) error
	// CreateProcess starts the process req describes. Its exit goes to req.OnExit, which
	// the caller registers before the process exists.
	CreateProcess(ctx context.Context, req ProcessRequest) (Process, error)
	// Close releases everything the system holds on the host (mounts, cgroups, runtime state,
	// helper processes, fds). It is called once, after the system stopped or when Create's
	// caller gives up, and must be safe after a partial Start.
	Close(ctx context.Context) error
}

// ProcessRequest is everything a driver needs to start one process.
type ProcessRequest struct {
	// Params is the validated ProcessParameters document.
	Params *schema.ProcessParameters
	// Stdio holds the process's ends of its streams, owned by the caller; the driver
	// duplicates what it keeps.
	Stdio Stdio
	// OnExit receives the process's exit exactly once, from any goroutine, possibly before
	// CreateProcess has returned (a process may exit at once); it is never called when
	// CreateProcess fails. exitCode follows the shell convention: 128+N when the process
	// was killed by signal N. It must not block for long.
	OnExit func(pid uint32, exitCode uint32)
}

// Stdio holds the process-side ends of the streams the caller asked for; nil means the
// stream was not requested (the process gets /dev/null). With a console, Console is the pty
// slave and the other fields are nil.
type Stdio struct {
	Stdin, Stdout, Stderr *os.File
	Console               *os.File
}

// Process is one process started by System.CreateProcess.
type Process interface {
	// Pid is the process id inside the compute system.
	Pid() uint32
	// Signal delivers a POSIX signal.
	Signal(ctx context.Context, signal int) error
	// Kill terminates the process forcibly.
	Kill(ctx context.Context) error
}

// ConsoleResizer is implemented by a Process whose console lives out of the host's reach
// (in a guest); the host resizes the pty itself otherwise.
type ConsoleResizer interface {
	ResizeConsole(ctx context.Context, height, width uint16) error
}
