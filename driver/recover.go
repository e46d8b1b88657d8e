package driver

import (
	"context"
	"errors"
)

// ErrSystemGone reports that a system ended while the service was not running; the host
// then releases what it left with Recoverer.Cleanup and forgets it.
var ErrSystemGone = errors.New("the compute system ended while the service was down")

// Recoverer is implemented by drivers whose systems outlive the service process. The host
// persists one record per system; after a restart it calls Recover for each system that was
// live, and Cleanup for each that was half created or is gone. Both read what the driver
// itself kept in req.StateDir, so the driver writes its state there before each side
// effect it must be able to undo.
type Recoverer interface {
	// Recover reattaches to the system created earlier with req. A system that ended while
	// the service was down gives an error wrapping ErrSystemGone.
	Recover(ctx context.Context, req CreateRequest) (Recovered, error)
	// Cleanup releases everything a system left on the host (mounts, runtime state,
	// cgroups), whatever step its creation reached. It is safe to call more than once.
	Cleanup(ctx context.Context, req CreateRequest) error
}

// Recovered is a reattached system.
type Recovered struct {
	// System is the reattached system, usable as one Create returned.
	System System
	// Started says whether the system had been started (Running or Paused); a system that
	// was only created is ready to start.
	Started bool
	// Paused, when the driver can tell, says whether it found the started system paused.
	// A crash between freezing (or thawing) a system and recording that leaves the record
	// behind; what the driver finds wins. Nil leaves the recorded state.
	Paused *bool
	// Processes are the processes CreateProcess started that still run. Exits of the others
	// that happened while the service was down are reported through Notifier.ProcessExited,
	// possibly before Recover returns.
	Processes []Process
	// Reattach, when set, is the part of the recovery that talks to the guest, which may
	// be slow, frozen (a paused system) or hung. The host runs it in the background while it
	// serves: Recover itself never waits on a guest. Until Reattach returns, the system's
	// calls that need the guest wait for it within their own context. It returns more
	// processes to adopt like Processes; its error means the system cannot be used any more
	// and the host terminates it.
	Reattach func(ctx context.Context) ([]Process, error)
}

// Sweeper is implemented by drivers that can find on the host what their systems left
// without a record to say so. After recovering every system it has a record for, the host
// calls Sweep so that nothing of a system whose record is missing, empty or damaged stays
// behind.
type Sweeper interface {
	// Sweep tears down everything carrying the driver's marks that belongs to no system
	// in keep, the state directories of the systems the host kept; systemsDir holds every
	// system's state directory. It logs what it tears down and why.
	Sweep(ctx context.Context, systemsDir string, keep []string) error
}
