package host_test

import (
	"strings"
	"testing"

	"github.com/linuxhcs/hcs/client"
	"github.com/linuxhcs/hcs/hresult"
)

// A member the schema does not know is refused, as real HCS refuses it, instead of being
// dropped: the operation fails with HCS_E_INVALID_JSON and its ResultError names the
// member's JSON path and where a member of that name belongs.
func TestMisplacedMemberIsInvalidJSONNamingWhereItBelongs(t *testing.T) {
	f := newFixture(t)
	c := f.client()
	cases := map[string]string{
		`{"Container":{"HostName":"x"}}`:                                              "$.Container.HostName: unknown member; HostName belongs in $.Container.GuestOs",
		`{"GuestConnection":{},"VirtualMachine":{}}`:                                  "$.GuestConnection: unknown member; GuestConnection belongs in $.VirtualMachine",
		`{"Container":{"Storage":{"Layers":[{"Path":"/a"},{"Path":"/b","Size":1}]}}}`: "$.Container.Storage.Layers[1].Size: unknown member",
	}
	for doc, want := range cases {
		result, err := do(t, func(op *client.Operation) error {
			s, err := c.CreateComputeSystem("misplaced", doc, op)
			if s != nil {
				t.Cleanup(func() { s.Close() })
			}
			return err
		})
		wantCode(t, err, hresult.HCS_E_INVALID_JSON)
		if !strings.Contains(err.Error(), want) || !strings.Contains(result, want) {
			t.Errorf("%s: error %q, ResultError %s; want %q in both", doc, err, result, want)
		}
	}
	if _, err := c.OpenComputeSystem(ctx(t), "misplaced", client.GenericAll); !hresult.Is(err, hresult.HCS_E_SYSTEM_NOT_FOUND) {
		t.Fatalf("a refused create left a system behind: %v", err)
	}
}

// The Settings of a request are free-form until the request says what they are; then they
// are decoded as strictly as the request, and errors name their path under $.Settings.
func TestUnknownMemberInSettingsIsInvalidJSON(t *testing.T) {
	c, drv, _ := settingsHost(t)
	err := c.ModifyServiceSettings(t.Context(), `{"PropertyType":"ServiceSettings","Settings":{"DefaultRuntime":"crun","Runtime":"crun"}}`)
	wantCode(t, err, hresult.HCS_E_INVALID_JSON)
	if !strings.Contains(err.Error(), "$.Settings.Runtime: unknown member") {
		t.Fatalf("error %q does not name $.Settings.Runtime", err)
	}
	if drv.runtime != "runc" {
		t.Fatalf("a refused request changed the runtime to %s", drv.runtime)
	}
}
