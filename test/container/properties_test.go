package container_test

import (
	"encoding/json"
	"slices"
	"strings"
	"testing"

	"github.com/linuxhcs/hcs/client"
	"github.com/linuxhcs/hcs/hresult"
	"github.com/linuxhcs/hcs/schema"
)

// fullQuery asks for every property type a container answers in both forms, and in the
// 2.5 form also for types a container has no answer for and one the schema does not know.
const fullQuery = `{"PropertyTypes":["Statistics","Memory","ProcessList","TerminateOnLastHandleClosed","SystemGUID"],
	"Queries":{"Statistics":{},"Memory":{},"ProcessList":null,"TerminateOnLastHandleClosed":{},
		"GuestConnection":{},"SharedMemoryRegion":{},"ICHeartbeatStatus":{},"CompatibilityInfo":null}}`

func TestPropertiesOfContainer(t *testing.T) {
	forEachRuntime(t, func(t *testing.T, e *env) {
		sys := e.start("props-"+e.runtime, nil)
		doc := mustDo(t, func(op *client.Operation) error { return sys.GetProperties(op, fullQuery) })
		var m map[string]json.RawMessage
		decode(t, doc, &m)
		if got := string(m["TerminateOnLastHandleClosed"]); got != "false" {
			t.Errorf("TerminateOnLastHandleClosed %q, want false", got)
		}
		if string(m["SystemGUID"]) != string(m["RuntimeId"]) {
			t.Errorf("SystemGUID %s, want the RuntimeId %s", m["SystemGUID"], m["RuntimeId"])
		}
		wantMembers(t, "Statistics", m["Statistics"], "ContainerStartTime Memory Processor Storage Timestamp Uptime100ns")
		wantMembers(t, "Memory", m["Memory"], "VirtualMachineMemory")
		var p schema.Properties
		decode(t, doc, &p)
		if len(p.ProcessList) == 0 {
			t.Error("ProcessList is empty in a running container")
		}
		checkContainerQueries(t, p.PropertyResponses)
		// The PropertyTypes form is one question: a type a container lacks fails it all.
		_, err := client.Do(timeout(t), func(op *client.Operation) error {
			return sys.GetProperties(op, `{"PropertyTypes":["Statistics","GuestConnection"]}`)
		})
		if !hresult.Is(err, hresult.ERROR_NOT_SUPPORTED) || !strings.Contains(err.Error(), `"GuestConnection" is not available for a container`) {
			t.Errorf("GuestConnection of a container: %v, want ERROR_NOT_SUPPORTED naming it", err)
		}
	})
}

// checkContainerQueries checks the 2.5 answers of fullQuery: each answered on its own.
func checkContainerQueries(t *testing.T, r map[string]schema.PropertyResponse) {
	t.Helper()
	for _, name := range []string{"Statistics", "Memory", "ProcessList"} {
		if r[name].Error != nil || len(r[name].Response) < 2 {
			t.Errorf("Queries.%s answered %+v", name, r[name])
		}
	}
	if got := string(r["TerminateOnLastHandleClosed"].Response); got != "false" {
		t.Errorf("Queries.TerminateOnLastHandleClosed answered %q", got)
	}
	for _, name := range []string{"GuestConnection", "SharedMemoryRegion", "ICHeartbeatStatus"} {
		wantQueryError(t, r, name, hresult.ERROR_NOT_SUPPORTED, `"`+name+`" is not available for a container`)
	}
	wantQueryError(t, r, "CompatibilityInfo", hresult.E_INVALIDARG, "$.Queries.CompatibilityInfo")
}

func wantQueryError(t *testing.T, r map[string]schema.PropertyResponse, name string, code hresult.HRESULT, mention string) {
	t.Helper()
	e := r[name].Error
	if e == nil || e.Error != code.Int32() || !strings.Contains(e.ErrorMessage, mention) {
		t.Errorf("Queries.%s answered %+v, want %s naming %q", name, r[name], code, mention)
	}
}

// wantMembers checks the member names of a JSON object.
func wantMembers(t *testing.T, what string, obj json.RawMessage, want string) {
	t.Helper()
	var m map[string]json.RawMessage
	if err := json.Unmarshal(obj, &m); err != nil {
		t.Fatalf("%s %s: %v", what, obj, err)
	}
	var keys []string
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	if got := strings.Join(keys, " "); got != want {
		t.Errorf("%s members %q, want %q", what, got, want)
	}
}
