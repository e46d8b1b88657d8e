package hresult

import (
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"reflect"
	"strings"
	"testing"
)

func TestResultErrorRoundTrip(t *testing.T) {
	events := []byte(`[{"Message":"disk full","StackTrace":"x","Provider":"00000000-0000-0000-0000-000000000000","EventId":7,"Flags":0,"Source":"hcsd","Data":[{"Type":"String","Value":"<&>"}]}]`)
	attribution := []byte(`[{"SystemExit":{"Detail":"Crash","Initiator":"GuestOs"}}]`)
	in := &Error{Code: HCS_E_SYSTEM_NOT_FOUND, Message: `system "web" not found`, Events: events, Attribution: attribution}

	doc := ToResultError(in)
	var fields map[string]json.RawMessage
	if err := json.Unmarshal(doc, &fields); err != nil {
		t.Fatalf("ToResultError gave invalid JSON %s: %v", doc, err)
	}
	if got := string(fields["Error"]); got != "-2143878898" {
		t.Errorf("Error field = %s, want the negative int32 -2143878898", got)
	}

	out, err := FromResultError(doc)
	if err != nil {
		t.Fatalf("FromResultError(%s): %v", doc, err)
	}
	if out.Code != in.Code || out.Message != in.Message {
		t.Errorf("round trip gave %s %q, want %s %q", out.Code, out.Message, in.Code, in.Message)
	}
	if !jsonEqual(t, out.Events, events) || !jsonEqual(t, out.Attribution, attribution) {
		t.Errorf("raw details changed:\n events %s\n attribution %s", out.Events, out.Attribution)
	}
	if !errors.Is(out, fs.ErrNotExist) || !errors.Is(out, HCS_E_SYSTEM_NOT_FOUND) {
		t.Errorf("decoded %v does not match its code", out)
	}
}

// jsonEqual reports whether a and b hold the same JSON value.
func jsonEqual(t *testing.T, a, b []byte) bool {
	t.Helper()
	var va, vb any
	if err := json.Unmarshal(a, &va); err != nil {
		t.Fatalf("%s: %v", a, err)
	}
	if err := json.Unmarshal(b, &vb); err != nil {
		t.Fatalf("%s: %v", b, err)
	}
	return reflect.DeepEqual(va, vb)
}

func TestToResultError(t *testing.T) {
	if ToResultError(nil) != nil {
		t.Error("ToResultError(nil) is not nil")
	}
	for _, tc := range []struct {
		err  error
		want string
	}{
		{New(HCS_E_INVALID_STATE, ""), `{"Error":-2143878907,"ErrorMessage":"the operation is not valid in the compute system's current state"}`},
		{fs.ErrNotExist, `{"Error":-2147023728,"ErrorMessage":"file does not exist"}`},
		{errors.New("boom"), `{"Error":-2147467259,"ErrorMessage":"boom"}`},
		{fmt.Errorf("ctx: %w", New(HCS_E_INVALID_JSON, "Container.Storage: required")), `{"Error":-2143878899,"ErrorMessage":"Container.Storage: required"}`},
		// Malformed raw details are dropped rather than losing the code.
		{&Error{Code: E_FAIL, Message: "m", Events: []byte(`{bad`), Attribution: []byte(`[]`)}, `{"Error":-2147467259,"ErrorMessage":"m"}`},
	} {
		if got := string(ToResultError(tc.err)); got != tc.want {
			t.Errorf("ToResultError(%v) =\n %s\nwant\n %s", tc.err, got, tc.want)
		}
	}
}

func TestFromResultErrorAccepts(t *testing.T) {
	for _, tc := range []struct {
		doc  string
		code HRESULT
		msg  string
	}{
		{`{"Error":-2143878898}`, HCS_E_SYSTEM_NOT_FOUND, ""},
		{`{"Error":-1070137074,"ErrorMessage":"legacy"}`, ERROR_VMCOMPUTE_SYSTEM_NOT_FOUND, "legacy"},
		{` {"ErrorMessage":"m","Error":-2147467259,"ErrorEvents":null,"Attribution":null,"Unknown":1} `, E_FAIL, "m"},
	} {
		e, err := FromResultError([]byte(tc.doc))
		if err != nil {
			t.Errorf("FromResultError(%s): %v", tc.doc, err)
			continue
		}
		if e.Code != tc.code || e.Message != tc.msg || e.Events != nil || e.Attribution != nil {
			t.Errorf("FromResultError(%s) = %#v", tc.doc, e)
		}
	}
}

func TestFromResultErrorRejects(t *testing.T) {
	huge := `{"Error":-2147467259,"ErrorMessage":"` + strings.Repeat("x", maxResultErrorSize) + `"}`
	for _, doc := range []string{
		``,
		`null`,
		`[]`,
		`"x"`,
		`{`,
		`{}`,
		`{"ErrorMessage":"no code"}`,
		`{"Error":null}`,
		`{"Error":0}`,
		`{"Error":1}`,
		`{"Error":"0x8037010E"}`,
		`{"Error":-2143878898.5}`,
		`{"Error":4294967295}`,
		`{"Error":-2143878898,"ErrorMessage":7}`,
		`{"Error":-2143878898} trailing`,
		huge,
	} {
		e, err := FromResultError([]byte(doc))
		if err == nil || e != nil {
			t.Errorf("FromResultError(%.60s) = %v, %v; want an error", doc, e, err)
			continue
		}
		if FromError(err) != HCS_E_INVALID_JSON {
			t.Errorf("FromResultError(%.60s): error %v has code %s, want HCS_E_INVALID_JSON", doc, err, FromError(err))
		}
		if !strings.Contains(err.Error(), "ResultError") {
			t.Errorf("FromResultError(%.60s): error %q does not name the document", doc, err)
		}
	}
}

func FuzzFromResultError(f *testing.F) {
	for _, seed := range []string{
		`{"Error":-2143878898,"ErrorMessage":"m"}`,
		`{"Error":-1070137074,"ErrorEvents":[{"Message":"x"}],"Attribution":[{}]}`,
		`{"Error":-2147467259,"ErrorMessage":"\u003c\ud800","ErrorEvents":{},"Attribution":"s"}`,
		`{"Error":0}`,
		`{"Error":-1,"ErrorMessage":""}`,
		`{}`,
		`null`,
		`{"Error":-2143878898,"Error":1}`,
	} {
		f.Add([]byte(seed))
	}
	f.Fuzz(func(t *testing.T, doc []byte) {
		e, err := FromResultError(doc)
		if err != nil {
			if e != nil || FromError(err) != HCS_E_INVALID_JSON {
				t.Fatalf("rejection returned %v, %v", e, err)
			}
			return
		}
		if !e.Code.Failed() {
			t.Fatalf("accepted a success code %s", e.Code)
		}
		again := ToResultError(e)
		e2, err := FromResultError(again)
		if err != nil {
			t.Fatalf("re-encoded document %s does not decode: %v", again, err)
		}
		wantMsg := e.Message
		if wantMsg == "" {
			wantMsg = e.Code.Text()
		}
		if e2.Code != e.Code || e2.Message != wantMsg {
			t.Fatalf("round trip changed %s %q into %s %q", e.Code, wantMsg, e2.Code, e2.Message)
		}
		if (e2.Events == nil) != (e.Events == nil) || (e2.Attribution == nil) != (e.Attribution == nil) {
			t.Fatalf("round trip lost details: %s", again)
		}
	})
}
