package container

// SetSpawnReturned makes every agent session of d run f after the agent answered a spawn
// and before the pid is recorded, so a test can let a process's exit overtake its reply.
func SetSpawnReturned(d *Driver, f func(pid int)) { d.spawnReturned = f }

// SetRuntimeIDs makes d name new runtime containers with next instead of random names, so
// a test can make two containers ask for the same name.
func SetRuntimeIDs(d *Driver, next func() (string, error)) { d.newRuntimeID = next }

// SocketDir returns the directory of d's agent sockets.
func SocketDir(d *Driver) string { return d.opts.SocketDir }
