package schema

import (
	"errors"
	"testing"
)

func TestBlank(t *testing.T) {
	for doc, want := range map[string]bool{"": true, " \t\r\n": true, "{}": false, " x ": false, "\v": false} {
		if Blank(doc) != want {
			t.Errorf("Blank(%q) = %v", doc, !want)
		}
	}
}

func TestDecodeRequired(t *testing.T) {
	var q SystemQuery
	err := DecodeRequired("SystemQuery", " ", &q)
	var se *Error
	if !errors.As(err, &se) || se.Code != CodeInvalidArg || err.Error() != "SystemQuery: a document is required" {
		t.Fatalf("a blank required document gave %v", err)
	}
	if err := DecodeRequired("SystemQuery", `{"Ids":["a"]}`, &q); err != nil || len(q.Ids) != 1 {
		t.Fatalf("DecodeRequired = %v, %+v", err, q)
	}
	err = DecodeRequired("SystemQuery", `{"Ids":"a"}`, &q)
	if !errors.As(err, &se) || se.Code != CodeInvalidJSON || se.Path != "$.Ids" {
		t.Fatalf("a wrong type gave %v", err)
	}
	var m ModifySettingRequest
	err = DecodeRequired("ModifySettingRequest", `{}`, &m)
	if !errors.As(err, &se) || se.Code != CodeInvalidJSON {
		t.Fatalf("a document that fails validation gave %v", err)
	}
}

func TestDecodeOptional(t *testing.T) {
	q, err := DecodeOptional[SaveOptions]("SaveOptions", "")
	if q != nil || err != nil {
		t.Fatalf("a blank optional document gave %v, %v", q, err)
	}
	p, err := DecodeOptional[PauseOptions]("PauseOptions", `{"SuspensionLevel":"Suspend"}`)
	if err != nil || p == nil || p.SuspensionLevel != "Suspend" {
		t.Fatalf("DecodeOptional = %+v, %v", p, err)
	}
	if _, err := DecodeOptional[PauseOptions]("PauseOptions", `{"SuspensionLevel":"Nap"}`); err == nil {
		t.Fatal("an invalid optional document was accepted")
	}
}

func TestCheckReserved(t *testing.T) {
	for _, doc := range []string{"", "  ", "{}", `{"Anything":[1]}`, "null"} {
		if err := CheckReserved("options", doc); err != nil {
			t.Errorf("CheckReserved(%q) = %v", doc, err)
		}
	}
	err := CheckReserved("options", "{")
	var se *Error
	if !errors.As(err, &se) || se.Code != CodeInvalidJSON || err.Error() != "options: not a valid JSON document" {
		t.Fatalf("CheckReserved({) = %v", err)
	}
}
