package host

import "github.com/linuxhcs/hcs/internal/faultpoint"

// The host's steps at which the fault suite stops the service (package faultpoint).
var (
	stepCreateDirMade     = faultpoint.New("create/state-dir-made")
	stepCreateRecorded    = faultpoint.New("create/record-written")
	stepCreateDriverDone  = faultpoint.New("create/driver-created")
	stepCreateDone        = faultpoint.New("create/created")
	stepStartRecorded     = faultpoint.New("start/recorded")
	stepCloseDriverClosed = faultpoint.New("close/driver-closed")
)
