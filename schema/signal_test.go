package schema

import (
	"encoding/json"
	"testing"
)

func TestSignalValueJSON(t *testing.T) {
	cases := []struct {
		doc     string
		num     int64
		isNum   bool
		name    ProcessSignal
		encoded string
	}{
		{`{"Signal":15}`, 15, true, "", `{"Signal":15}`},
		{`{"Signal":"CtrlC"}`, 0, false, ProcessSignalCtrlC, `{"Signal":"CtrlC"}`},
		{`{"Signal":null}`, 0, false, "", `{}`},
		{`{}`, 0, false, "", `{}`},
	}
	for _, tc := range cases {
		var o SignalProcessOptions
		if err := Decode(tc.doc, &o); err != nil {
			t.Fatalf("Decode(%s): %v", tc.doc, err)
		}
		var v ProcessSignalValue
		if o.Signal != nil {
			v = *o.Signal
		}
		n, isNum := v.Number()
		name, _ := v.Name()
		if n != tc.num || isNum != tc.isNum || name != tc.name {
			t.Errorf("%s: Number()=%d,%v Name()=%q", tc.doc, n, isNum, name)
		}
		if o.Signal != nil && o.Signal.String() == "" && tc.isNum {
			t.Errorf("%s: empty String()", tc.doc)
		}
		out, err := json.Marshal(o)
		if err != nil || (string(out) != tc.encoded && tc.doc != `{"Signal":null}`) {
			t.Errorf("%s: Marshal = %s, %v; want %s", tc.doc, out, err, tc.encoded)
		}
	}
}

func TestSignalConstructors(t *testing.T) {
	b, _ := json.Marshal(SignalProcessOptions{Signal: SignalNumber(9)})
	if string(b) != `{"Signal":9}` {
		t.Errorf("SignalNumber: %s", b)
	}
	b, _ = json.Marshal(SignalProcessOptions{Signal: SignalName(ProcessSignalCtrlBreak)})
	if string(b) != `{"Signal":"CtrlBreak"}` {
		t.Errorf("SignalName: %s", b)
	}
	if s := SignalName(ProcessSignalCtrlC).String(); s != "CtrlC" {
		t.Errorf("String() = %q", s)
	}
	if s := SignalNumber(2).String(); s != "2" {
		t.Errorf("String() = %q", s)
	}
}

func TestSignalDecodeErrors(t *testing.T) {
	for _, doc := range []string{`{"Signal":1.5}`, `{"Signal":true}`, `{"Signal":{}}`, `{"Signal":[]}`, `{"Signal":99999999999999999999}`} {
		var o SignalProcessOptions
		e := asError(t, Decode(doc, &o))
		if e.Path != "$.Signal" {
			t.Errorf("%s: path %q (%v)", doc, e.Path, e)
		}
	}
}
