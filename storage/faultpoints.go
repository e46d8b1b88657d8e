package storage

import "github.com/linuxhcs/hcs/internal/faultpoint"

// The steps of a layer import at which the fault suite stops the service (package
// faultpoint).
var (
	stepImportJournaled = faultpoint.New("import/staging-journaled")
	stepImportFilled    = faultpoint.New("import/staging-filled")
	stepImportRenamed   = faultpoint.New("import/renamed")
)
