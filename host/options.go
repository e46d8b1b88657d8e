package host

import (
	"github.com/linuxhcs/hcs/schema"
	"github.com/linuxhcs/hcs/wire"
)

// lifecycleOptions holds the parsed options document of a lifecycle call.
type lifecycleOptions struct {
	shutdown *schema.ShutdownOptions
	pause    *schema.PauseOptions
	save     *schema.SaveOptions
	crash    *schema.CrashOptions
}

// parseLifecycleOptions decodes and validates the options of op. The service is the only
// side that decodes them: it acts on them, and a client is not trusted.
func parseLifecycleOptions(op wire.SystemOp, doc string) (lifecycleOptions, error) {
	var o lifecycleOptions
	var err error
	switch op {
	case wire.OpShutDown:
		o.shutdown, err = schema.DecodeOptional[schema.ShutdownOptions]("ShutdownOptions", doc)
	case wire.OpPause:
		o.pause, err = schema.DecodeOptional[schema.PauseOptions]("PauseOptions", doc)
	case wire.OpSave:
		o.save, err = schema.DecodeOptional[schema.SaveOptions]("SaveOptions", doc)
	case wire.OpCrash:
		o.crash, err = schema.DecodeOptional[schema.CrashOptions]("CrashOptions", doc)
	default:
		err = schema.CheckReserved("options", doc)
	}
	return o, err
}
