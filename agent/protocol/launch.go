package protocol

import "strconv"

// ListenFDFlag is the hcs-agent flag naming the inherited descriptor of its listening socket:
// "--listen-fd=N".
const ListenFDFlag = "--listen-fd"

// ListenFDEnv is the environment variable hcs-agent reads when ListenFDFlag is absent.
const ListenFDEnv = "HCS_AGENT_LISTEN_FD"

// ShutdownTimeoutFlag is the hcs-agent flag setting how long a shutdown started by SIGTERM or
// SIGINT waits before SIGKILL: "--shutdown-timeout=10s".
const ShutdownTimeoutFlag = "--shutdown-timeout"

// AgentArgs returns the argv that starts the agent from exe (for a container,
// "/proc/self/fd/M" of a sealed memfd holding bin/hcs-agent) with its listening unix socket
// inherited as descriptor listenFD (runc/crun: "--preserve-fds", which maps fds 3, 4, ... of
// the runtime into the container unchanged).
func AgentArgs(exe string, listenFD int) []string {
	return []string{exe, ListenFDFlag + "=" + strconv.Itoa(listenFD)}
}
