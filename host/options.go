package host

import (
	"encoding/json"

	"github.com/linuxhcs/hcs/hresult"
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

// parseLifecycleOptions decodes and validates the options of op. The service validates
// again what the client already checked: a client is not trusted.
func parseLifecycleOptions(op wire.SystemOp, doc string) (lifecycleOptions, error) {
	var o lifecycleOptions
	var err error
	switch op {
	case wire.OpShutDown:
		o.shutdown, err = decodeOptional[schema.ShutdownOptions]("ShutdownOptions", doc)
	case wire.OpPause:
		o.pause, err = decodeOptional[schema.PauseOptions]("PauseOptions", doc)
	case wire.OpSave:
		o.save, err = decodeOptional[schema.SaveOptions]("SaveOptions", doc)
	case wire.OpCrash:
		o.crash, err = decodeOptional[schema.CrashOptions]("CrashOptions", doc)
	default:
		err = checkReserved(doc)
	}
	return o, err
}

type validatable[T any] interface {
	*T
	Validate() error
}

// decodeOptional decodes an optional document; nil when there is none.
func decodeOptional[T any, P validatable[T]](name, doc string) (*T, error) {
	if blank(doc) {
		return nil, nil
	}
	v := P(new(T))
	if err := decodeRequired(name, doc, v); err != nil {
		return nil, err
	}
	return (*T)(v), nil
}

// decodeRequired decodes and validates a document that must be present.
func decodeRequired[P interface{ Validate() error }](name, doc string, v P) error {
	if blank(doc) {
		return hresult.New(hresult.E_INVALIDARG, name+": a document is required")
	}
	if err := schema.Decode(doc, v); err != nil {
		return err
	}
	return v.Validate()
}

// checkReserved accepts a reserved options argument: nothing, or any well-formed JSON.
func checkReserved(doc string) error {
	if blank(doc) || json.Valid([]byte(doc)) {
		return nil
	}
	return hresult.New(hresult.HCS_E_INVALID_JSON, "options: not a valid JSON document")
}

func blank(s string) bool {
	for i := 0; i < len(s); i++ {
		if c := s[i]; c != ' ' && c != '\t' && c != '\r' && c != '\n' {
			return false
		}
	}
	return true
}
