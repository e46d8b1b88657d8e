package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/linuxhcs/hcs/schema"
	"github.com/linuxhcs/hcs/wire"
)

func TestServicePropertiesAndSet(t *testing.T) {
	needDaemon(t)
	settings := func() schema.ServiceSettings {
		t.Helper()
		var props schema.ServiceProperties
		var set schema.ServiceSettings
		out := ok(t, "service", "properties")
		if err := json.Unmarshal([]byte(out), &props); err != nil || len(props.Properties) != 2 {
			t.Fatalf("service properties: %v\n%s", err, out)
		}
		if !strings.Contains(string(props.Properties[0]), "SupportedSchemaVersions") {
			t.Errorf("Properties[0] is not Basic: %s", props.Properties[0])
		}
		json.Unmarshal(props.Properties[1], &set)
		return set
	}
	before := settings()
	if before.DefaultRuntime == "" || before.LogLevel != "debug" {
		t.Fatalf("settings %+v", before)
	}
	other := map[string]string{"crun": "runc", "runc": "crun"}[before.DefaultRuntime]
	ok(t, "service", "set", "--runtime", other, "--log-level", "info")
	t.Cleanup(func() { hcsdiag(t, "service", "set", "--runtime", before.DefaultRuntime, "--log-level", "debug") })
	if now := settings(); now.DefaultRuntime != other || now.LogLevel != "info" {
		t.Fatalf("after service set: %+v", now)
	}
	newContainer(t, "rt")
	if row := strings.Fields(lineWith(ok(t, "list"), "rt")); row[4] != other {
		t.Errorf("list shows runtime %q after the setting changed to %s", row[4], other)
	}
	fails(t, "E_INVALIDARG", "service", "set", "--runtime", "kata")
	fails(t, "ERROR_NOT_SUPPORTED", "service", "properties", "--query", `{"PropertyTypes":["CpuGroup"]}`)
	if r := hcsdiag(t, "service", "set"); r.code != 2 {
		t.Errorf("service set without a setting:\n%s", r)
	}
}

func TestReports(t *testing.T) {
	needDaemon(t)
	report := filepath.Join(t.TempDir(), "crash.json")
	os.WriteFile(report, []byte(`{"SystemId":"crashed-vm","CrashLog":"Kernel panic - not syncing"}`), 0o600)
	ok(t, "report", "submit", report)
	if r := daemon.runIn(t, `{"SystemId":"from-stdin"}`, "report", "submit", "-"); r.code != 0 {
		t.Fatalf("report submit -:\n%s", r)
	}
	out := ok(t, "report", "list")
	if !strings.HasPrefix(out, "SUBMITTED") || !strings.Contains(out, "crashed-vm") || !strings.Contains(out, "from-stdin") {
		t.Fatalf("report list:\n%s", out)
	}
	var reports schema.CrashReports
	if err := json.Unmarshal([]byte(ok(t, "report", "list", "--json")), &reports); err != nil || len(reports.Reports) < 2 ||
		!strings.Contains(string(reports.Reports[0].Report), "Kernel panic") {
		t.Fatalf("report list --json: %v %+v", err, reports)
	}
	r := daemon.runIn(t, `{"SystemId": 5}`, "report", "submit", "-")
	if r.code != 1 || !strings.Contains(r.stderr, "HCS_E_INVALID_JSON") {
		t.Fatalf("a report of the wrong shape:\n%s", r)
	}
}

func TestVersion(t *testing.T) {
	needDaemon(t)
	out := ok(t, "version")
	for _, want := range []string{`(?m)^hcsdiag: +\S+ \(go`, `(?m)^protocol: +` + strconv.Itoa(wire.ProtocolVersion) + `$`, `(?m)^service: +hcsd at ` + regexp.QuoteMeta(daemon.Socket) + `$`,
		`(?m)^schema versions: +2\.0-2\.\d+$`} {
		if !regexp.MustCompile(want).MatchString(out) {
			t.Errorf("version does not match %s:\n%s", want, out)
		}
	}
	// Without a service, version says so and starts none.
	d, err := newHcsdRun("version")
	if err != nil {
		t.Fatal(err)
	}
	defer d.leftovers()
	r := d.runIn(t, "", "--version")
	if r.code != 0 || !strings.Contains(r.stdout, "not reachable at "+d.Socket) || strings.Contains(r.stderr, privateNote) {
		t.Fatalf("version without a service:\n%s", r)
	}
}
