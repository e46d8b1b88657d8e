package host_test

import (
	"encoding/json"
	"slices"
	"strings"
	"testing"

	"github.com/linuxhcs/hcs/client"
	"github.com/linuxhcs/hcs/hresult"
	"github.com/linuxhcs/hcs/schema"
)

// getProperties runs HcsGetComputeSystemProperties and returns the document's members.
func getProperties(t *testing.T, sys *client.System, query string) map[string]json.RawMessage {
	t.Helper()
	doc := mustDo(t, func(op *client.Operation) error { return sys.GetProperties(op, query) })
	var m map[string]json.RawMessage
	if err := json.Unmarshal([]byte(doc), &m); err != nil {
		t.Fatalf("%s: %v", doc, err)
	}
	return m
}

// responses decodes the PropertyResponses member.
func responses(t *testing.T, m map[string]json.RawMessage) map[string]schema.PropertyResponse {
	t.Helper()
	var r map[string]schema.PropertyResponse
	if err := json.Unmarshal(m["PropertyResponses"], &r); err != nil {
		t.Fatalf("PropertyResponses %s: %v", m["PropertyResponses"], err)
	}
	return r
}

func wantResponse(t *testing.T, r map[string]schema.PropertyResponse, name, want string) {
	t.Helper()
	if got := r[name]; got.Error != nil || string(got.Response) != want {
		t.Errorf("Queries.%s answered error %+v, response %s; want %s", name, got.Error, got.Response, want)
	}
}

func wantQueryError(t *testing.T, r map[string]schema.PropertyResponse, name string, code hresult.HRESULT, mention string) {
	t.Helper()
	got, ok := r[name]
	if !ok || got.Error == nil || len(got.Response) != 0 {
		t.Fatalf("Queries.%s answered %+v, want error %s", name, got, code)
	}
	if got.Error.Error != code.Int32() || !strings.Contains(got.Error.ErrorMessage, mention) {
		t.Errorf("Queries.%s error %#x %q, want %s naming %q", name, uint32(got.Error.Error), got.Error.ErrorMessage, code, mention)
	}
}

func TestPropertiesReportFalseTerminateOnLastHandleClosed(t *testing.T) {
	f := newFixture(t)
	sys := f.create(f.client(), "keep", containerDoc)
	m := getProperties(t, sys, `{"PropertyTypes":["TerminateOnLastHandleClosed"]}`)
	if got := string(m["TerminateOnLastHandleClosed"]); got != "false" {
		t.Errorf("TerminateOnLastHandleClosed = %q, want false", got)
	}
	r := responses(t, getProperties(t, sys, `{"Queries":{"TerminateOnLastHandleClosed":{}}}`))
	wantResponse(t, r, "TerminateOnLastHandleClosed", "false")
}

func TestPropertyTypesExactMembers(t *testing.T) {
	f := newFixture(t)
	sys := f.started(f.client(), "shape")
	m := getProperties(t, sys, `{"PropertyTypes":["ProcessList","SystemGUID","TerminateOnLastHandleClosed","Memory"]}`)
	var keys []string
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	want := "Id Memory Name Owner ProcessList RuntimeId RuntimeOsType State SystemGUID SystemType TerminateOnLastHandleClosed"
	if got := strings.Join(keys, " "); got != want {
		t.Fatalf("members %s\nwant    %s", got, want)
	}
	if string(m["ProcessList"]) != "[]" || string(m["SystemGUID"]) != string(m["RuntimeId"]) {
		t.Errorf("ProcessList %s, SystemGUID %s (RuntimeId %s)", m["ProcessList"], m["SystemGUID"], m["RuntimeId"])
	}
	if string(m["Memory"]) != `{"VirtualMachineMemory":{}}` {
		t.Errorf("Memory %s", m["Memory"])
	}
}

func TestPropertyQueriesAnsweredOneByOne(t *testing.T) {
	f := newFixture(t)
	sys := f.started(f.client(), "queries")
	m := getProperties(t, sys, `{"Queries":{"Statistics":null,"ProcessList":{},"SystemGUID":{},"GuestConnection":{},"CpuGroup":{},"CompatibilityInfo":null,"Bad Name":{}}}`)
	if _, ok := m["Statistics"]; ok {
		t.Errorf("a Queries entry filled the top-level member: %s", m["Statistics"])
	}
	r := responses(t, m)
	if len(r) != 7 {
		t.Errorf("%d responses, want 7: %+v", len(r), r)
	}
	var st schema.Statistics
	if err := json.Unmarshal(r["Statistics"].Response, &st); err != nil || st.Timestamp == "" {
		t.Errorf("Queries.Statistics answered %s (%v)", r["Statistics"].Response, err)
	}
	wantResponse(t, r, "ProcessList", "[]")
	wantResponse(t, r, "SystemGUID", string(m["RuntimeId"]))
	wantQueryError(t, r, "GuestConnection", hresult.ERROR_NOT_SUPPORTED, `"GuestConnection" is not available for a container`)
	wantQueryError(t, r, "CpuGroup", hresult.ERROR_NOT_SUPPORTED, `"CpuGroup"`)
	wantQueryError(t, r, "CompatibilityInfo", hresult.E_INVALIDARG, `$.Queries.CompatibilityInfo: "CompatibilityInfo" is not a property type`)
	wantQueryError(t, r, "Bad Name", hresult.E_INVALIDARG, `$.Queries["Bad Name"]`)
}

func TestPropertyQueriesBeforeStart(t *testing.T) {
	f := newFixture(t)
	sys := f.create(f.client(), "created", `{"Container":{},"ShouldTerminateOnLastHandleClosed":true}`)
	r := responses(t, getProperties(t, sys, `{"Queries":{"Statistics":{},"TerminateOnLastHandleClosed":{}}}`))
	wantQueryError(t, r, "Statistics", hresult.HCS_E_INVALID_STATE, "Statistics")
	wantResponse(t, r, "TerminateOnLastHandleClosed", "true")
}

func TestPropertyTypesRefusedAsOne(t *testing.T) {
	f := newFixture(t)
	sys := f.started(f.client(), "refused")
	cases := []struct {
		query   string
		code    hresult.HRESULT
		mention string
	}{
		{`{"PropertyTypes":["Statistics","GuestConnection"]}`, hresult.ERROR_NOT_SUPPORTED, `"GuestConnection" is not available for a container`},
		{`{"PropertyTypes":["TerminateOnLastHandleClosed","ProcessorTopology"]}`, hresult.ERROR_NOT_SUPPORTED, `"ProcessorTopology"`},
		{`{"PropertyTypes":["Statistics","Weather"]}`, hresult.HCS_E_INVALID_JSON, `$.PropertyTypes[1]: "Weather" is not one of`},
	}
	for _, c := range cases {
		_, err := do(t, func(op *client.Operation) error { return sys.GetProperties(op, c.query) })
		wantCode(t, err, c.code)
		if !strings.Contains(err.Error(), c.mention) {
			t.Errorf("%s: %v, want it to name %s", c.query, err, c.mention)
		}
	}
}
