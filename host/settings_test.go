package host_test

import (
	"context"
	"encoding/json"
	"log/slog"
	"strings"
	"testing"

	"github.com/linuxhcs/hcs/client"
	"github.com/linuxhcs/hcs/driver"
	"github.com/linuxhcs/hcs/driver/fakedriver"
	"github.com/linuxhcs/hcs/host"
	"github.com/linuxhcs/hcs/hresult"
	"github.com/linuxhcs/hcs/schema"
)

// switchable is a fake driver that also has a runtime setting.
type switchable struct {
	*fakedriver.Driver
	runtime string
}

func (s *switchable) SetRuntime(name string) error { s.runtime = name; return nil }
func (s *switchable) RuntimeName() string          { return s.runtime }

var _ driver.Driver = (*switchable)(nil)

func settingsHost(t *testing.T) (*client.Client, *switchable, *slog.LevelVar) {
	drv := &switchable{Driver: fakedriver.New(), runtime: "runc"}
	level := new(slog.LevelVar)
	h, err := host.New(host.Options{Container: drv, StateDir: t.TempDir(), LogLevel: level})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { h.Close(context.Background(), true) })
	c := client.New(h.Connect())
	t.Cleanup(func() { c.Close() })
	return c, drv, level
}

func serviceSettings(t *testing.T, c *client.Client) schema.ServiceSettings {
	t.Helper()
	doc, err := c.GetServiceProperties(t.Context(), `{"PropertyTypes":["ServiceSettings"]}`)
	if err != nil {
		t.Fatal(err)
	}
	var resp struct{ Properties []schema.ServiceSettings }
	if err := json.Unmarshal([]byte(doc), &resp); err != nil || len(resp.Properties) != 1 {
		t.Fatalf("%s: %v", doc, err)
	}
	return resp.Properties[0]
}

func TestModifyServiceSettingsChangesRuntimeAndLogLevel(t *testing.T) {
	c, drv, level := settingsHost(t)
	if got := serviceSettings(t, c); got.DefaultRuntime != "runc" || got.LogLevel != "info" {
		t.Fatalf("initial settings %+v", got)
	}
	err := c.ModifyServiceSettings(t.Context(), `{"PropertyType":"ServiceSettings","Settings":{"DefaultRuntime":"crun","LogLevel":"debug"}}`)
	if err != nil {
		t.Fatal(err)
	}
	if drv.runtime != "crun" || level.Level() != slog.LevelDebug {
		t.Fatalf("runtime %s, level %s", drv.runtime, level.Level())
	}
	if got := serviceSettings(t, c); got.DefaultRuntime != "crun" || got.LogLevel != "debug" {
		t.Fatalf("settings after change %+v", got)
	}
}

func TestModifyServiceSettingsRejectsUnknownSettingsClearly(t *testing.T) {
	c, drv, _ := settingsHost(t)
	cases := map[string]hresult.HRESULT{
		`{"PropertyType":"ServiceSettings","Settings":{"DefaultRuntime":"kata"}}`:                     hresult.E_INVALIDARG,
		`{"PropertyType":"ServiceSettings","Settings":{"DefaultRuntime":"crun","LogLevel":"chatty"}}`: hresult.E_INVALIDARG,
		`{"PropertyType":"ServiceSettings","Settings":{"DefaultRuntime":7}}`:                          hresult.HCS_E_INVALID_JSON,
		`{"PropertyType":"CpuGroup","Settings":{"Operation":"CreateGroup"}}`:                          hresult.ERROR_NOT_SUPPORTED,
		`{"PropertyType":"Gpu"}`: hresult.HCS_E_INVALID_JSON,
	}
	for doc, want := range cases {
		if err := c.ModifyServiceSettings(t.Context(), doc); !hresult.Is(err, want) {
			t.Errorf("%s: %v, want %s", doc, err, want)
		}
	}
	if drv.runtime != "runc" {
		t.Fatalf("a refused request changed the runtime to %s", drv.runtime)
	}
}

func TestCrashReportsAreListedInServiceProperties(t *testing.T) {
	c, _, _ := settingsHost(t)
	for _, id := range []string{"vm1", "vm2"} {
		if err := c.SubmitWerReport(t.Context(), `{"SystemId":"`+id+`","CrashLog":"oops"}`); err != nil {
			t.Fatal(err)
		}
	}
	doc, err := c.GetServiceProperties(t.Context(), `{"PropertyTypes":["CrashReports"]}`)
	if err != nil {
		t.Fatal(err)
	}
	var resp struct{ Properties []schema.CrashReports }
	json.Unmarshal([]byte(doc), &resp)
	reports := resp.Properties[0].Reports
	if len(reports) != 2 || !strings.Contains(string(reports[0].Report), `"vm1"`) || !strings.Contains(string(reports[1].Report), `"vm2"`) {
		t.Fatalf("reports %s", doc)
	}
}
