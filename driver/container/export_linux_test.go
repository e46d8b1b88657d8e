package container

import "github.com/linuxhcs/hcs/driver"

// SetSpawnReturned makes every agent session of d run f after the agent answered a spawn
// and before the pid is recorded, so a test can let a process's exit overtake its reply.
func SetSpawnReturned(d *Driver, f func(pid int)) { d.spawnReturned = f }

// AgentSocketOf returns where the agent of sys listens.
func AgentSocketOf(sys driver.System) string { return sys.(*System).socketPath() }

// RuntimeIDOf returns the runtime's name for the container sys.
func RuntimeIDOf(sys driver.System) string { return sys.(*System).rid }
