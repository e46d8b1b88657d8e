package container

import (
	"log/slog"

	"github.com/linuxhcs/hcs/driver"
)

// SetSpawnReturned makes every agent session of d run f after the agent answered a spawn
// and before the pid is recorded, so a test can let a process's exit overtake its reply.
func SetSpawnReturned(d *Driver, f func(pid int)) { d.spawnReturned = f }

// SetRuntimeIDs makes d name new runtime containers with next instead of random names, so
// a test can make two containers ask for the same name.
func SetRuntimeIDs(d *Driver, next func() (string, error)) { d.newRuntimeID = next }

// SocketDir returns the directory of d's agent sockets.
func SocketDir(d *Driver) string { return d.opts.SocketDir }

// DropAgentOutput makes sys stop reading its init's output, as a service that exits does.
func DropAgentOutput(sys driver.System) { sys.(*System).setAgentLog(nil) }

// Reopened returns a new driver with d's options logging to logger, as the service makes
// after a restart.
func Reopened(d *Driver, logger *slog.Logger) (*Driver, error) {
	opts := d.opts
	opts.Logger = logger
	return New(opts)
}

// CgroupDir returns the cgroup d lists the processes of runtime container rid in.
func CgroupDir(d *Driver, rid string) string { return d.cgroupDir(rid) }

// SetInitStarted makes d run f with each container init's pid once the runtime started it,
// before the agent's handshake.
func SetInitStarted(d *Driver, f func(pid int)) { d.initStarted = f }

// AgentSocketOf returns where the agent of sys listens.
func AgentSocketOf(sys driver.System) string { return sys.(*System).socketPath() }

// RuntimeIDOf returns the runtime's name for the container sys.
func RuntimeIDOf(sys driver.System) string { return sys.(*System).rid }
