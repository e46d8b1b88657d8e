package container

// SetSpawnReturned makes every agent session of d run f after the agent answered a spawn
// and before the pid is recorded, so a test can let a process's exit overtake its reply.
func SetSpawnReturned(d *Driver, f func(pid int)) { d.spawnReturned = f }

// SetInitStarted makes d run f with each container init's pid once the runtime started it,
// before the agent's handshake.
func SetInitStarted(d *Driver, f func(pid int)) { d.initStarted = f }
