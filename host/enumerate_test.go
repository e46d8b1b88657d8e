package host_test

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/linuxhcs/hcs/client"
	"github.com/linuxhcs/hcs/hresult"
	"github.com/linuxhcs/hcs/schema"
)

func enumerate(t *testing.T, c *client.Client, query string) []schema.Properties {
	t.Helper()
	doc := mustDo(t, func(op *client.Operation) error { return c.EnumerateComputeSystems(query, op) })
	var out []schema.Properties
	if err := json.Unmarshal([]byte(doc), &out); err != nil {
		t.Fatalf("%s: %v", doc, err)
	}
	return out
}

func ids(ps []schema.Properties) string {
	var s []string
	for _, p := range ps {
		s = append(s, p.Id)
	}
	return strings.Join(s, ",")
}

func TestEnumerateWithQueryFilter(t *testing.T) {
	f := newFixture(t)
	c := f.client()
	if got := mustDo(t, func(op *client.Operation) error { return c.EnumerateComputeSystems("", op) }); got != "[]" {
		t.Fatalf("no systems: %s, want []", got)
	}
	f.create(c, "a", `{"Owner":"alice","Container":{}}`)
	f.create(c, "b", `{"Owner":"bob","Container":{}}`)
	f.started(c, "c")
	cases := map[string]string{
		``:                             "a,b,c",
		`{}`:                           "a,b,c",
		`{"Ids":["b","zzz"]}`:          "b",
		`{"Owners":["alice","test"]}`:  "a,c",
		`{"Types":["VirtualMachine"]}`: "",
		`{"Types":["Container"],"Owners":["bob"]}`: "b",
		`{"Names":["c"]}`:                          "c",
		`{"Ids":["a"],"Owners":["bob"]}`:           "",
	}
	for q, want := range cases {
		if got := ids(enumerate(t, c, q)); got != want {
			t.Errorf("query %s: %q, want %q", q, got, want)
		}
	}
	all := enumerate(t, c, `{"Ids":["c"]}`)
	if p := all[0]; p.State != schema.StateRunning || p.SystemType != schema.SystemTypeContainer || p.RuntimeId == "" || p.Owner != "test" {
		t.Fatalf("basic properties %+v", p)
	}
	_, err := do(t, func(op *client.Operation) error { return c.EnumerateComputeSystems(`{"Types":["Toaster"]}`, op) })
	wantCode(t, err, hresult.HCS_E_INVALID_JSON)
}

func TestPropertiesBasicAndRequested(t *testing.T) {
	f := newFixture(t)
	c := f.client()
	sys := f.create(c, "props", `{"Owner":"me","Container":{},"ShouldTerminateOnLastHandleClosed":true}`)
	p := state(t, sys)
	if p.Id != "props" || p.SystemType != schema.SystemTypeContainer || p.Owner != "me" || p.State != schema.StateCreated {
		t.Fatalf("basic properties %+v", p)
	}
	doc := mustDo(t, func(op *client.Operation) error {
		return sys.GetProperties(op, `{"PropertyTypes":["TerminateOnLastHandleClosed"]}`)
	})
	if !strings.Contains(doc, `"TerminateOnLastHandleClosed":true`) {
		t.Fatalf("properties %s", doc)
	}
	_, err := do(t, func(op *client.Operation) error { return sys.GetProperties(op, `{"PropertyTypes":["Statistics"]}`) })
	wantCode(t, err, hresult.HCS_E_INVALID_STATE)
	mustDo(t, func(op *client.Operation) error { return sys.Start(op, "") })
	doc = mustDo(t, func(op *client.Operation) error {
		return sys.GetProperties(op, `{"PropertyTypes":["Statistics","ProcessList"],"Queries":{"Statistics":{},"Bogus":{}}}`)
	})
	var full schema.Properties
	json.Unmarshal([]byte(doc), &full)
	if full.Statistics == nil || full.Statistics.Timestamp == "" {
		t.Fatalf("no statistics in %s", doc)
	}
	if r := full.PropertyResponses["Statistics"]; r.Error != nil || len(r.Response) == 0 {
		t.Fatalf("Queries.Statistics answered %+v", r)
	}
	if r := full.PropertyResponses["Bogus"]; r.Error == nil || r.Error.Error != hresult.E_INVALIDARG.Int32() {
		t.Fatalf("Queries.Bogus answered %+v", r)
	}
}

func TestServiceProperties(t *testing.T) {
	f := newFixture(t)
	c := f.client()
	for _, q := range []string{"", `{"PropertyTypes":["Basic"]}`} {
		doc, err := c.GetServiceProperties(t.Context(), q)
		if err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(doc, `"SupportedSchemaVersions":[{"Major":2,"Minor":`) {
			t.Fatalf("query %q: %s", q, doc)
		}
	}
	_, err := c.GetServiceProperties(t.Context(), `{"PropertyTypes":["CpuGroup"]}`)
	wantCode(t, err, hresult.ERROR_NOT_SUPPORTED)
	doc, err := c.GetServiceProperties(t.Context(), `{"PropertyQueries":{"ProcessorCapabilities":{},"Basic":{}}}`)
	if err != nil || !strings.Contains(doc, `"PropertyResponses"`) || !strings.Contains(doc, `"Error":-2147024846`) {
		t.Fatalf("PropertyQueries answer %s, %v", doc, err)
	}
}

func TestSubmitWerReportIsStored(t *testing.T) {
	f := newFixture(t)
	c := f.client()
	report := `{"SystemId":"vm/1","CrashLog":"panic"}`
	if err := c.SubmitWerReport(t.Context(), report); err != nil {
		t.Fatal(err)
	}
	err := c.SubmitWerReport(t.Context(), `{"SystemId":`)
	wantCode(t, err, hresult.HCS_E_INVALID_JSON)
	files, _ := filepath.Glob(filepath.Join(f.stateDir, "reports", "*.json"))
	if len(files) != 1 {
		t.Fatalf("reports stored: %v", files)
	}
	if b, _ := os.ReadFile(files[0]); string(b) != report {
		t.Fatalf("stored %q", b)
	}
}
