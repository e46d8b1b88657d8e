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
	withVM := hostWithVMs(t, f) // a running VM "uvm" with a guest connection, to be hosted in
	runningVM(t, f, withVM, "uvm", true)
	create := func(c *client.Client) func(*testing.T, string) error {
		return func(_ *testing.T, input string) error {
			_, err := do(t, func(op *client.Operation) error {
				sys, err := c.CreateComputeSystem("refused", input, op)
				if err == nil {
					t.Cleanup(func() { sys.Close() })
				}
				return err
			})
			return err
		}
	}
	calls := map[string]func(_ *testing.T, input string) error{
		"create":                         create(c),
		"create, hosted in a running VM": create(withVM),
		"service properties": func(_ *testing.T, input string) error {
			_, err := c.GetServiceProperties(ctx(t), input)
			return err
		},
		"modify service settings":                          func(_ *testing.T, input string) error { return c.ModifyServiceSettings(ctx(t), input) },
		"modify service settings, fixed log level":         func(_ *testing.T, input string) error { return c.ModifyServiceSettings(ctx(t), input) },
		"modify service settings, driver with one runtime": func(_ *testing.T, input string) error { return c.ModifyServiceSettings(ctx(t), input) },
		"utility function without a handler": func(_ *testing.T, input string) error {
			_, err := f.h.Connect().Utility(ctx(t), wire.UtilityFunc(input), nil, nil)
			return err
		},
		"HcsCancelOperation": func(*testing.T, string) error {
			op := client.NewOperation(nil, nil)
			defer op.Close()
			return op.Cancel()
		},
	}
	refusaltable.CheckAll(t, "service", calls)
}
