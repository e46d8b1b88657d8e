package server_test

import (
	"strings"
	"testing"

	"github.com/linuxhcs/hcs/client"
	"github.com/linuxhcs/hcs/hresult"
)

// The service is the one side that decodes and validates a document: the client passes it
// through, and an asynchronous call's operation carries the service's HCS_E_INVALID_JSON,
// with a ResultError that names the field by its JSON path, across the socket.
func TestInvalidDocumentsAreTheServiceVerdictNamingTheField(t *testing.T) {
	d := startDaemon(t, daemonConfig{})
	c := d.dial(t)
	sys := started(t, c, "baddocs")
	p, _ := spawn(t, sys, "sleep 30", false, false)
	cases := []struct {
		name, field string
		call        func(op *client.Operation) error
	}{
		{"ComputeSystem", "$.SchemaVersion.Major", func(op *client.Operation) error {
			s, err := c.CreateComputeSystem("bad-1", `{"SchemaVersion":{"Major":"two","Minor":1},"Container":{}}`, op)
			closeLater(t, s)
			return err
		}},
		{"ComputeSystem unknown member", "$.Container.HostName: unknown member; HostName belongs in $.Container.GuestOs", func(op *client.Operation) error {
			s, err := c.CreateComputeSystem("bad-3", `{"Container":{"HostName":"x"}}`, op)
			closeLater(t, s)
			return err
		}},
		{"ComputeSystem not JSON", "$: invalid JSON at line 1, column 2", func(op *client.Operation) error {
			s, err := c.CreateComputeSystem("bad-2", `{`, op)
			closeLater(t, s)
			return err
		}},
		{"ProcessParameters", "$.CommandArgs", func(op *client.Operation) error {
			p, err := sys.CreateProcess(`{"CommandArgs":"/bin/true"}`, op)
			if p != nil {
				t.Cleanup(func() { p.Close() })
			}
			return err
		}},
		{"reserved options", "options", func(op *client.Operation) error { return sys.Resume(op, "{") }},
		{"PauseOptions", "$.SuspensionLevel", func(op *client.Operation) error {
			return sys.Pause(op, `{"SuspensionLevel":"Nap"}`)
		}},
		{"ModifySettingRequest", "$.ResourcePath", func(op *client.Operation) error {
			return sys.Modify(op, `{"ResourcePath":5}`)
		}},
		{"SignalProcessOptions", "$.Signal", func(op *client.Operation) error {
			return p.Signal(op, `{"Signal":"NOPE"}`)
		}},
		{"ProcessModifyRequest", "$.ConsoleSize", func(op *client.Operation) error {
			return p.Modify(op, `{"Operation":"ConsoleSize"}`)
		}},
		{"SystemQuery", "$.Ids", func(op *client.Operation) error {
			return c.EnumerateComputeSystems(`{"Ids":"x"}`, op)
		}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			doc, err := client.Do(ctx(t), tc.call)
			wantCode(t, err, hresult.HCS_E_INVALID_JSON)
			if !strings.Contains(err.Error(), tc.field) || !strings.Contains(doc, tc.field) {
				t.Fatalf("error %q, ResultError %s: neither may miss %s", err, doc, tc.field)
			}
		})
	}
	if got := state(t, sys); got != "Running" {
		t.Fatalf("after the rejected documents the system is %s", got)
	}
}

// closeLater closes a system handle, if the call returned one, when the test ends.
func closeLater(t *testing.T, s *client.System) {
	if s != nil {
		t.Cleanup(func() { s.Close() })
	}
}
