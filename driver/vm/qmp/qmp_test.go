package qmp

import "testing"

func TestParse(t *testing.T) {
	cases := map[string]kind{
		`{"QMP": {"version": {}, "capabilities": ["oob"]}}`:                               kindGreeting,
		`{"return": {}, "id": 1}`:                                                         kindResponse,
		`{"error": {"class": "GenericError", "desc": "x"}, "id": 2}`:                      kindResponse,
		`{"timestamp": {"seconds": 1, "microseconds": 2}, "event": "STOP", "data": null}`: kindEvent,
	}
	for line, want := range cases {
		_, k, err := parse([]byte(line))
		if err != nil || k != want {
			t.Errorf("parse(%s) = %v, %v; want %v", line, k, err, want)
		}
	}
	for _, bad := range []string{`{]`, `null`, `{}`, `{"id": 1}`, `"x"`, "{\xff"} {
		if _, _, err := parse([]byte(bad)); err == nil {
			t.Errorf("parse(%q) succeeded", bad)
		}
	}
}

func FuzzParse(f *testing.F) {
	f.Add([]byte(`{"return": {"status": "running"}, "id": 7}`))
	f.Add([]byte(`{"event": "SHUTDOWN", "data": {"guest": true, "reason": "guest-shutdown"}, "timestamp": {"seconds": 1, "microseconds": 0}}`))
	f.Fuzz(func(t *testing.T, line []byte) {
		m, k, err := parse(line)
		if err == nil && k == kindEvent && m.event().Name == "" {
			t.Fatal("an event without a name")
		}
	})
}
