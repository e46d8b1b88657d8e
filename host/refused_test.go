package host_test

import (
	"testing"

	"github.com/linuxhcs/hcs/client"
	"github.com/linuxhcs/hcs/internal/refusaltable"
	"github.com/linuxhcs/hcs/wire"
)

// TestRefusalTable feeds every service row of docs/refused.md to a host (on the fake
// driver, which has one runtime, with no settable log level and no utility handlers) and
// checks the code and message the table gives.
func TestRefusalTable(t *testing.T) {
	f := newFixture(t)
	c := f.client()
	calls := map[string]func(input string) error{
		"create": func(input string) error {
			_, err := do(t, func(op *client.Operation) error {
				sys, err := c.CreateComputeSystem("refused", input, op)
				if err == nil {
					t.Cleanup(func() { sys.Close() })
				}
				return err
			})
			return err
		},
		"service properties": func(input string) error {
			_, err := c.GetServiceProperties(ctx(t), input)
			return err
		},
		"modify service settings":                          func(input string) error { return c.ModifyServiceSettings(ctx(t), input) },
		"modify service settings, fixed log level":         func(input string) error { return c.ModifyServiceSettings(ctx(t), input) },
		"modify service settings, driver with one runtime": func(input string) error { return c.ModifyServiceSettings(ctx(t), input) },
		"utility function without a handler": func(input string) error {
			_, err := f.h.Connect().Utility(ctx(t), wire.UtilityFunc(input), nil, nil)
			return err
		},
		"HcsCancelOperation": func(string) error {
			op := client.NewOperation(nil, nil)
			defer op.Close()
			return op.Cancel()
		},
	}
	for _, r := range refusaltable.Rows(t, "service") {
		call, ok := calls[r.Call]
		if !ok {
			t.Errorf("%s: no check for the call %q", r, r.Call)
			continue
		}
		refusaltable.Check(t, r, call(r.Input))
	}
}
