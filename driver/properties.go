package driver

import (
	"github.com/linuxhcs/hcs/hresult"
	"github.com/linuxhcs/hcs/schema"
)

// PropertyFillers maps each property type a back-end can report to the function that fills
// it in.
type PropertyFillers map[schema.SystemPropertyType]func() error

// Fill runs the filler of each requested type, in order, for System.Properties. A type the
// back-end has no filler for is refused with E_NOTIMPL naming the type and the kind of
// system (kind: "a container", "a VM").
func (f PropertyFillers) Fill(types []schema.SystemPropertyType, kind string) error {
	for _, t := range types {
		fill, ok := f[t]
		if !ok {
			return hresult.Errorf(hresult.E_NOTIMPL, "System_PropertyQuery.PropertyTypes: %q is not available for %s", t, kind)
		}
		if err := fill(); err != nil {
			return err
		}
	}
	return nil
}
