package protocol

import (
	"encoding/json"
	"time"
)

// Type names a message kind; it is the "Type" member of every envelope.
type Type string

// Message kinds. The requests are sent by the host; Hello by both sides; Response and
// ProcessExited by the agent.
const (
	TypeHello         Type = "Hello"
	TypeResponse      Type = "Response"
	TypeProcessExited Type = "ProcessExited"

	TypeSpawn         Type = "Spawn"
	TypeSignal        Type = "Signal"
	TypeResizeConsole Type = "ResizeConsole"
	TypeListProcesses Type = "ListProcesses"
	TypeWaitExits     Type = "WaitExits"
	TypeAckExit       Type = "AckExit"
	TypeShutdown      Type = "Shutdown"
	TypePing          Type = "Ping"
	TypeUnmountTag    Type = "UnmountTag"
)

// Message is the envelope of every frame body.
type Message struct {
	// Type says what the message is and how to read Body.
	Type Type `json:"Type"`
	// ID is chosen by the host for each request (never 0) and echoed by its Response.
	ID uint64 `json:"ID,omitempty"`
	// Body holds the request parameters, the response result or the notification.
	Body json.RawMessage `json:"Body,omitempty"`
	// Error is set on a failed Response instead of Body.
	Error *Error `json:"Error,omitempty"`
}

// Hello is the first message in each direction.
type Hello struct {
	// ProtocolVersion is the sender's protocol version; see Version.
	ProtocolVersion int `json:"ProtocolVersion"`
	// AgentVersion is the agent's software version (sent by the agent).
	AgentVersion string `json:"AgentVersion,omitempty"`
	// HostVersion is the host's software version (sent by the host), for diagnostics.
	HostVersion string `json:"HostVersion,omitempty"`
}

// SpawnRequest starts a process. Its descriptors travel with the frame: without a console,
// one for each of Stdin, Stdout and Stderr that is true, in that order; with EmulateConsole,
// exactly one, the pseudo-terminal slave, which becomes the controlling terminal and fds 0-2
// (the three Std flags are then ignored). The agent clears O_NONBLOCK on them: they are the
// process's stdio.
type SpawnRequest struct {
	// CommandArgs is argv. When empty, CommandLine is split into words instead.
	CommandArgs []string `json:"CommandArgs,omitempty"`
	// CommandLine is split with POSIX-shell-like word rules, without any expansion.
	CommandLine string `json:"CommandLine,omitempty"`
	// Environment is the complete environment. PATH and HOME get defaults when absent.
	Environment map[string]string `json:"Environment,omitempty"`
	// WorkingDirectory must exist; the default is "/".
	WorkingDirectory string `json:"WorkingDirectory,omitempty"`
	// User is "", "name", "uid", "uid:gid" or "name:group", resolved in the agent's root
	// (or the container's).
	User string `json:"User,omitempty"`
	// EmulateConsole runs the process on the pseudo-terminal passed with the request.
	EmulateConsole bool `json:"EmulateConsole,omitempty"`
	// ConsoleSize is the initial [height, width]; zeros leave the terminal as it is.
	ConsoleSize [2]uint16 `json:"ConsoleSize,omitzero"`
	// Stdin, Stdout and Stderr say which standard streams come with the request; the others
	// are connected to /dev/null.
	Stdin  bool `json:"Stdin,omitempty"`
	Stdout bool `json:"Stdout,omitempty"`
	Stderr bool `json:"Stderr,omitempty"`
	// Relay, on a Stream transport, relays the process's stdio over the connection instead
	// (no descriptors travel; the Std flags are ignored).
	Relay *RelayStreams `json:"Relay,omitempty"`
	// Container, when set, runs the process in that container (see CreateContainer):
	// User, WorkingDirectory and the program are then resolved in the container's root.
	Container string `json:"Container,omitempty"`
}

// SpawnResult is the result of Spawn.
type SpawnResult struct {
	// Pid is the process id in the agent's pid namespace.
	Pid int `json:"Pid"`
}

// UnmountTagRequest unmounts, in the agent's mount namespace, every 9p file system mounted
// from the mount tag Tag, so that the host can unplug the device behind it (a guest's 9p
// transport never lets go of a device that is still mounted).
type UnmountTagRequest struct {
	Tag string `json:"Tag"`
}

// SignalRequest sends a POSIX signal (0 checks that the process still runs).
type SignalRequest struct {
	Pid    int `json:"Pid"`
	Signal int `json:"Signal"`
}

// ResizeConsoleRequest sets the terminal size of a process spawned with a console.
type ResizeConsoleRequest struct {
	Pid    int    `json:"Pid"`
	Height uint16 `json:"Height"`
	Width  uint16 `json:"Width"`
}

// ProcessInfo describes one process of the agent's pid namespace.
type ProcessInfo struct {
	Pid     int      `json:"Pid"`
	Ppid    int      `json:"Ppid"`
	Name    string   `json:"Name"`
	Cmdline []string `json:"Cmdline,omitempty"`
	// UserTime100ns and KernelTime100ns are CPU times in 100 ns units.
	UserTime100ns   uint64 `json:"UserTime100ns"`
	KernelTime100ns uint64 `json:"KernelTime100ns"`
	// ResidentBytes is the resident set size.
	ResidentBytes uint64    `json:"ResidentBytes"`
	StartTime     time.Time `json:"StartTime"`
	// Spawned is true for a process the agent started on request (and has not reaped):
	// the processes a host that reconnects can manage.
	Spawned bool `json:"Spawned,omitempty"`
	// Container is the ID of the container the process runs in; "" for the agent's own.
	Container string `json:"Container,omitempty"`
}

// ListProcessesResult is the result of ListProcesses.
type ListProcessesResult struct {
	Processes []ProcessInfo `json:"Processes"`
}

// ProcessExited reports the exit of a spawned process. ExitCode is the exit status, or 128
// plus the signal number when a signal ended the process (Signal is then set).
type ProcessExited struct {
	Pid      int `json:"Pid"`
	ExitCode int `json:"ExitCode"`
	Signal   int `json:"Signal,omitempty"`
	// Seq numbers exits in the order the agent saw them; it tells apart two exits of the
	// same (reused) pid.
	Seq uint64 `json:"Seq"`
	// ExitTime is when the agent reaped the process.
	ExitTime time.Time `json:"ExitTime"`
}

// WaitExitsRequest asks for the unacknowledged exits, waiting up to TimeoutMs for one when
// there are none (0 means do not wait).
type WaitExitsRequest struct {
	TimeoutMs uint32 `json:"TimeoutMs,omitempty"`
}

// WaitExitsResult lists unacknowledged exits, oldest first, at most MaxExitsPerResponse.
type WaitExitsResult struct {
	Exits []ProcessExited `json:"Exits"`
}

// AckExitRequest acknowledges an exit so the agent stops reporting it. Seq 0 means the
// oldest unacknowledged exit of Pid.
type AckExitRequest struct {
	Pid int    `json:"Pid"`
	Seq uint64 `json:"Seq,omitempty"`
}

// ShutdownRequest stops the container: SIGTERM to every process, SIGKILL to what remains
// after TimeoutMs, then the agent exits 0 once the Response has been sent.
type ShutdownRequest struct {
	TimeoutMs uint32 `json:"TimeoutMs"`
}

// ShutdownResult is the result of Shutdown.
type ShutdownResult struct {
	// Forced is true when some process outlived the timeout and was killed.
	Forced bool `json:"Forced"`
}
