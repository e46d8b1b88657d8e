package bench

import (
	"context"
	"fmt"
	"testing"

	"github.com/linuxhcs/hcs/client"
	"github.com/linuxhcs/hcs/driver/fakedriver"
	"github.com/linuxhcs/hcs/host"
	"github.com/linuxhcs/hcs/hresult"
	"github.com/linuxhcs/hcs/schema"
)

// computeSystemDoc is a typical container document: two layers, mapped directories,
// resource limits and networking.
const computeSystemDoc = `{
	"Owner": "bench",
	"SchemaVersion": {"Major": 2, "Minor": 1},
	"ShouldTerminateOnLastHandleClosed": true,
	"Container": {
		"GuestOs": {"HostName": "web-01"},
		"Storage": {
			"Layers": [
				{"Id": "0b5e8c1a-1111-4222-8333-444455556666", "Path": "/var/lib/hcs/layers/app"},
				{"Id": "1c6f9d2b-1111-4222-8333-444455556666", "Path": "/var/lib/hcs/layers/base"}
			],
			"Path": "/var/lib/hcs/scratch/web-01"
		},
		"MappedDirectories": [
			{"HostPath": "/srv/www", "ContainerPath": "/var/www", "ReadOnly": true},
			{"HostPath": "/srv/logs", "ContainerPath": "/var/log/app"}
		],
		"Memory": {"SizeInMB": 512},
		"Processor": {"Count": 2},
		"Networking": {"Namespace": "/run/netns/web", "AllowUnqualifiedDnsQuery": true}
	}
}`

// BenchmarkSchemaDecodeValidate: what the client and the host do with every
// HcsCreateComputeSystem document.
func BenchmarkSchemaDecodeValidate(b *testing.B) {
	for b.Loop() {
		var cs schema.ComputeSystem
		if err := schema.Decode(computeSystemDoc, &cs); err != nil {
			b.Fatal(err)
		}
		if err := cs.Validate(); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkGetPropertiesRoundTrip: one HcsGetComputeSystemProperties operation (create,
// call, wait, close) through the client and the embedded host, on the fake driver, so it
// measures the API machinery alone.
func BenchmarkGetPropertiesRoundTrip(b *testing.B) {
	h, err := host.New(host.Options{Container: fakedriver.New(), Logger: quiet})
	if err != nil {
		b.Fatal(err)
	}
	c := client.New(h.Connect())
	b.Cleanup(func() {
		ctx, cancel := callCtx()
		defer cancel()
		c.Close()
		h.Close(ctx, true)
	})
	ctx := context.Background() // a hang is caught by go test's -timeout
	sys, err := createSystem(ctx, c, "bench", `{"SchemaVersion":{"Major":2,"Minor":1},"Container":{}}`)
	if err != nil {
		b.Fatal(err)
	}
	defer sys.Close()
	if err := startSystem(ctx, sys); err != nil {
		b.Fatal(err)
	}
	get := func(op *client.Operation) error { return sys.GetProperties(op, "") }
	for b.Loop() {
		if _, err := client.Do(ctx, get); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkResultError: an error to its ResultError document and back, as every failed
// operation crosses the service boundary.
func BenchmarkResultError(b *testing.B) {
	err := fmt.Errorf("starting: %w", hresult.Errorf(hresult.HCS_E_INVALID_STATE, "compute system %q is already running", "web-01"))
	doc := hresult.ToResultError(err)
	b.Run("ToResultError", func(b *testing.B) {
		for b.Loop() {
			if hresult.ToResultError(err) == nil {
				b.Fatal("no document")
			}
		}
	})
	b.Run("FromResultError", func(b *testing.B) {
		for b.Loop() {
			if _, err := hresult.FromResultError(doc); err != nil {
				b.Fatal(err)
			}
		}
	})
}
