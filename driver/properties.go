package driver

import (
	"context"

	"github.com/linuxhcs/hcs/hresult"
	"github.com/linuxhcs/hcs/schema"
)

// PropertyFillers maps each property type a back-end can report to the function that fills
// it in.
type PropertyFillers map[schema.SystemPropertyType]func() error

// Fill runs the filler of each requested type, in order, for System.Properties. A type the
// back-end has no filler for is refused with ERROR_NOT_SUPPORTED naming the type and the kind of
// system (kind: "a container", "a VM").
func (f PropertyFillers) Fill(types []schema.SystemPropertyType, kind string) error {
	for _, t := range types {
		fill, ok := f[t]
		if !ok {
			return hresult.Errorf(hresult.ERROR_NOT_SUPPORTED, "property type %q is not available for %s", t, kind)
		}
		if err := fill(); err != nil {
			return err
		}
	}
	return nil
}

// CommonProperties are the property types every back-end reports, each from its own source.
type CommonProperties struct {
	// Statistics reports the system's resource use.
	Statistics func() *schema.Statistics
	// Memory reports the system's memory.
	Memory func() *schema.MemoryInformationForVm
	// ProcessList lists the system's processes.
	ProcessList func(context.Context) ([]schema.ProcessDetails, error)
}

// Fillers returns the fillers of the common property types, writing into props, plus the
// back-end's own (extra, may be nil).
func (c CommonProperties) Fillers(ctx context.Context, props *schema.Properties, extra PropertyFillers) PropertyFillers {
	f := PropertyFillers{
		schema.SystemPropertyTypeStatistics:  func() error { props.Statistics = c.Statistics(); return nil },
		schema.SystemPropertyTypeMemory:      func() error { props.Memory = c.Memory(); return nil },
		schema.SystemPropertyTypeProcessList: func() (err error) { props.ProcessList, err = c.ProcessList(ctx); return err },
	}
	for t, fill := range extra {
		f[t] = fill
	}
	return f
}
