package container

// SetSpawnReturned makes every agent session of d run f after the agent answered a spawn
// and before the pid is recorded, so a test can let a process's exit overtake its reply.
func SetSpawnReturned(d *Driver, f func(pid int)) { d.spawnReturned = f }
