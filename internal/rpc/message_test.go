package rpc

import (
	"reflect"
	"testing"

	"github.com/linuxhcs/hcs/internal/fdconn"
	"github.com/linuxhcs/hcs/wire"
)

func TestDecode(t *testing.T) {
	good := []string{
		`{"Type":"Hello","Hello":{"ProtocolVersion":1}}`,
		`{"Type":"Request","ID":1,"Method":"OpenSystem","Args":{"ID":"x"}}`,
		`{"Type":"Request","ID":2,"Method":"ServiceProperties"}`,
		`{"Type":"Response","ID":3,"Result":{"Ref":4}}`,
		`{"Type":"Response","Error":{"Error":-2147024809}}`,
		`{"Type":"Event","Event":{"Handle":1,"Type":65536,"Data":"{}"},"Later":"ignored"}`,
	}
	for _, s := range good {
		if _, err := Decode([]byte(s)); err != nil {
			t.Errorf("Decode(%s) = %v", s, err)
		}
	}
	bad := []string{
		``, `null`, `[]`, `"Hello"`, `{}`, `{"Type":5}`, `{"Type":"Hello"}`, `{"Type":"Nope"}`,
		`{"Type":"Request","Method":"OpenSystem"}`, `{"Type":"Request","ID":1}`,
		`{"Type":"Response"}`, `{"Type":"Event"}`, `{"Type":"Request","ID":-1,"Method":"X"}`,
		`{"Type":"Request","ID":1,"Method":"X","Args":{"PID":"1"}}`,
	}
	for _, s := range bad {
		if _, err := Decode([]byte(s)); err == nil {
			t.Errorf("Decode(%s) succeeded", s)
		}
	}
}

func TestEncodeDoesNotEscapeHTML(t *testing.T) {
	b, err := Encode(&wire.Message{Type: wire.TypeRequest, ID: 1, Method: wire.MethodCreateSystem, Args: &wire.Args{Document: "<&>"}})
	if err != nil {
		t.Fatal(err)
	}
	want := `{"Type":"Request","ID":1,"Method":"CreateSystem","Args":{"Document":"<&>"}}`
	if string(b) != want {
		t.Fatalf("Encode = %s\nwant   %s", b, want)
	}
}

// FuzzDecode holds the decoder's promises for any input: no panic, an error of the
// protocol's classes, and for an accepted message a re-encoding that decodes to the same.
func FuzzDecode(f *testing.F) {
	f.Add([]byte(`{"Type":"Hello","Hello":{"ProtocolVersion":1,"ClientVersion":"x"}}`))
	f.Add([]byte(`{"Type":"Request","ID":9,"Method":"CreateProcess","Args":{"Ref":3,"Document":"{\"CommandLine\":\"sh\"}"}}`))
	f.Add([]byte(`{"Type":"Response","ID":9,"Result":{"Ref":5,"Process":{"ProcessID":7,"StdOutput":true}}}`))
	f.Add([]byte(`{"Type":"Response","ID":0,"Error":{"Error":-2143878885,"ErrorMessage":"denied"}}`))
	f.Add([]byte(`{"Type":"Event","Event":{"Handle":1,"Type":1,"Data":""}}`))
	f.Add([]byte(`{"Type":"Request","ID":1e3,"Method":"\u0000"}`))
	f.Fuzz(func(t *testing.T, body []byte) {
		m, err := Decode(body)
		if err != nil {
			if !fdconn.IsProtocolError(err) && !isUnknownMessage(err) {
				t.Fatalf("unexpected error class: %v", err)
			}
			return
		}
		if check(m) != nil {
			t.Fatal("Decode accepted a message that check refuses")
		}
		b, err := Encode(m)
		if err != nil {
			t.Fatalf("re-encoding an accepted message: %v", err)
		}
		m2, err := Decode(b)
		if err != nil {
			t.Fatalf("decoding a re-encoded message %s: %v", b, err)
		}
		b2, _ := Encode(m2)
		if !reflect.DeepEqual(b, b2) {
			t.Fatalf("re-encoding is not stable:\n%s\n%s", b, b2)
		}
	})
}
