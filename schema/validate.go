package schema

import (
	"fmt"
	"reflect"
)

// validate checks doc: first the rules of its type, then, anywhere in the tree, the rules
// that follow from the types alone (see walk). Paths start at the document's root, "$".
func validate(doc any, rules func(p path) *Error) error {
	p := root
	if rules != nil {
		if e := rules(p); e != nil {
			return e
		}
	}
	if e := walk(p, reflect.ValueOf(doc)); e != nil {
		return e
	}
	return nil
}

// missing is the error for a required document passed as nil; there is no document to
// point into, so it names the document's type.
func missing(name string) error {
	return path(name).err("document is required")
}

// checkSchemaVersion requires Major 2 when a schema version is given. Another major version
// is a well-formed request for a schema this service does not implement, so it is refused
// as not supported, the code a client probing for schema support tests for.
func checkSchemaVersion(p path, v *Version) *Error {
	if v != nil && v.Major != 2 {
		return &Error{Code: CodeNotSupported, Path: string(p.field("Major")),
			Reason: fmt.Sprintf("schema version %d is not supported; this service implements schema 2", v.Major)}
	}
	return nil
}

// Validate checks a HcsShutDownComputeSystem options document; nil means no options.
func (o *ShutdownOptions) Validate() error { return validate(o, nil) }

// Validate checks a HcsSaveComputeSystem options document; nil means no options.
func (o *SaveOptions) Validate() error { return validate(o, nil) }

// Validate checks a HcsPauseComputeSystem options document; nil means no options.
func (o *PauseOptions) Validate() error { return validate(o, nil) }

// Validate checks a HcsCrashComputeSystem options document; nil means no options.
func (o *CrashOptions) Validate() error { return validate(o, nil) }

// Validate checks a HcsEnumerateComputeSystems query; nil means every system.
func (q *SystemQuery) Validate() error { return validate(q, nil) }

// Validate checks a HcsGetComputeSystemProperties query; nil means basic properties.
func (q *SystemPropertyQuery) Validate() error { return validate(q, nil) }

// Validate checks a HcsGetServiceProperties query; nil means no query.
func (q *ServicePropertyQuery) Validate() error {
	return validate(q, nil)
}

// Validate checks a HcsModifyServiceSettings request: PropertyType is required.
func (r *ModificationRequest) Validate() error {
	if r == nil {
		return missing("ModificationRequest")
	}
	return validate(r, func(p path) *Error {
		if r.PropertyType == "" {
			return p.field("PropertyType").required()
		}
		return nil
	})
}

// Validate checks a HcsSubmitWerReport document.
func (r *CrashReport) Validate() error {
	if r == nil {
		return missing("CrashReport")
	}
	return validate(r, nil)
}

// Validate checks a HcsModifyComputeSystem request: ResourcePath is required unless the
// request only carries a GuestRequest, and RequestType must be a known value.
func (r *ModifySettingRequest) Validate() error {
	if r == nil {
		return missing("ModifySettingRequest")
	}
	return validate(r, func(p path) *Error {
		if r.ResourcePath == "" && !present(r.GuestRequest) {
			return p.field("ResourcePath").required()
		}
		return nil
	})
}

// present reports whether a raw JSON member holds a value other than null.
func present(raw []byte) bool {
	return len(raw) > 0 && string(raw) != "null"
}
