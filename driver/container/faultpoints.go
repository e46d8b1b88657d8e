package container

import "github.com/linuxhcs/hcs/internal/faultpoint"

// The driver's steps at which the fault suite stops the service (package faultpoint): each
// is right after something the host keeps (a record, a mount, a runtime entry, a process)
// was made or removed, and before the service has written down that it was.
var (
	stepCreateRecorded    = faultpoint.New("create/container-recorded")
	stepCreateAttached    = faultpoint.New("create/root-attached")
	stepCreateBundle      = faultpoint.New("create/bundle-written")
	stepStartListening    = faultpoint.New("start/agent-socket-made")
	stepStartRuntimeRan   = faultpoint.New("start/runtime-ran")
	stepStartInitSaved    = faultpoint.New("start/init-recorded")
	stepStartConnected    = faultpoint.New("start/agent-connected")
	stepExecSpawned       = faultpoint.New("exec/spawned")
	stepPauseFrozen       = faultpoint.New("pause/frozen")
	stepResumeThawed      = faultpoint.New("resume/thawed")
	stepTerminateKilled   = faultpoint.New("terminate/init-killed")
	stepCloseDeleted      = faultpoint.New("close/runtime-entry-deleted")
	stepCloseRootDetached = faultpoint.New("close/root-detached")
)

// StepRuntimeRan names the step after the runtime ran the container and before its init is
// recorded, for tests that stop the service there.
var StepRuntimeRan = stepStartRuntimeRan.Name()
