package main

import (
	"context"
	"encoding/json"
	"strings"
	"testing"

	"github.com/linuxhcs/hcs/schema"
)

func TestCreateStartListAndStop(t *testing.T) {
	needDaemon(t)
	newContainer(t, "life")

	out := ok(t, "list")
	if !strings.HasPrefix(out, "ID") || !strings.Contains(out, "RUNTIME") {
		t.Fatalf("list has no header:\n%s", out)
	}
	row := strings.Fields(lineWith(out, "life"))
	if len(row) != 5 || row[1] != "Container" || row[2] != "Running" || row[3] != "demo" || (row[4] != "crun" && row[4] != "runc") {
		t.Fatalf("list row %q, want life Container Running demo crun|runc", row)
	}
	var systems []schema.Properties
	if err := json.Unmarshal([]byte(ok(t, "list", "--json", "--owner", "demo")), &systems); err != nil || len(systems) != 1 || systems[0].Id != "life" {
		t.Fatalf("list --json --owner demo: %v %+v", err, systems)
	}
	if out := ok(t, "list", "--owner", "nobody-owns-this"); strings.Contains(out, "life") {
		t.Fatalf("list --owner filtered nothing:\n%s", out)
	}

	ok(t, "pause", "life")
	if s := stateIn(t, "life"); s != "Paused" {
		t.Fatalf("after pause: %s", s)
	}
	ok(t, "resume", "life")
	if s := stateIn(t, "life"); s != "Running" {
		t.Fatalf("after resume: %s", s)
	}

	// wait, started before the stop, prints the exit status when it happens.
	ctx, cancel := context.WithTimeout(context.Background(), e2eTimeout)
	defer cancel()
	waiter, waitOut, waitErr := daemon.command(ctx, "", "wait", "life")
	if err := waiter.Start(); err != nil {
		t.Fatal(err)
	}
	ok(t, "shutdown", "life")
	if err := waiter.Wait(); err != nil {
		t.Fatalf("wait: %v\n%s", err, waitErr)
	}
	var exit schema.SystemExitStatus
	if err := json.Unmarshal(waitOut.Bytes(), &exit); err != nil || exit.ExitType != schema.NotificationTypeGracefulExit {
		t.Fatalf("wait printed %s (%v), want a GracefulExit status", waitOut, err)
	}
	if out := ok(t, "list"); strings.Contains(out, "life") {
		t.Fatalf("a stopped system nobody holds is still listed:\n%s", out)
	}
	fails(t, "HCS_E_SYSTEM_NOT_FOUND", "terminate", "life")
}

func TestTerminateAndCreateErrors(t *testing.T) {
	needDaemon(t)
	newContainer(t, "term")
	r := fails(t, "HCS_E_SYSTEM_ALREADY_EXISTS", "create", "term", example("container.json"), "--layer", layer, "--scratch", t.TempDir())
	if !strings.HasPrefix(r.stderr, "hcsdiag: create: HCS_E_SYSTEM_ALREADY_EXISTS (0x8037010F): ") {
		t.Errorf("error line %q", r.stderr)
	}
	ok(t, "terminate", "term")
	fails(t, "HCS_E_SYSTEM_NOT_FOUND", "start", "term")

	// A document read from stdin, and one the service refuses.
	r = daemon.runIn(t, `{"SchemaVersion":{"Major":2,"Minor":1},"Container":{"Storage":{"Layers":[{"Path":""}]}}}`, "create", "bad")
	if r.code != 1 || !strings.Contains(r.stderr, "HCS_E_INVALID_JSON") || !strings.Contains(r.stderr, "Container.Storage.Layers[0].Path") {
		t.Fatalf("an invalid document:\n%s", r)
	}
	// A document that is not JSON: where it breaks, before anything is sent.
	r = daemon.runIn(t, "{\n  \"Container\": {,}}", "create", "broken")
	if r.code != 1 || !strings.Contains(r.stderr, "HCS_E_INVALID_JSON") || !strings.Contains(r.stderr, "line 2, column 17") {
		t.Fatalf("a document that is not JSON:\n%s", r)
	}
	if r := hcsdiag(t, "create"); r.code != 2 || !strings.Contains(r.stderr, "Usage: hcsdiag create") {
		t.Fatalf("create without an id:\n%s", r)
	}
}

func TestPropertiesModifyAndSave(t *testing.T) {
	needDaemon(t)
	newContainer(t, "props")
	props := func(args ...string) schema.Properties {
		t.Helper()
		var p schema.Properties
		out := ok(t, append(append([]string{"properties"}, args...), "props")...)
		if err := json.Unmarshal([]byte(out), &p); err != nil {
			t.Fatalf("properties %v printed %s: %v", args, out, err)
		}
		if !strings.Contains(out, "\n  \"Id\": \"props\"") {
			t.Errorf("properties are not indented:\n%s", out)
		}
		return p
	}
	if p := props(); p.Id != "props" || p.State != schema.StateRunning || p.Statistics != nil {
		t.Fatalf("basic properties %+v", p)
	}
	if p := props("--statistics"); p.Statistics == nil || p.Statistics.Memory == nil {
		t.Fatalf("--statistics: %+v", p)
	}
	if p := props("--process-list"); len(p.ProcessList) == 0 || p.ProcessList[0].ImageName == "" {
		t.Fatalf("--process-list: %+v", p.ProcessList)
	}
	if p := props("--all"); p.Memory == nil || p.Statistics == nil || len(p.ProcessList) == 0 {
		t.Fatalf("--all: %+v", p)
	}
	if p := props("--query", `{"PropertyTypes":["Statistics"]}`); p.Statistics == nil || p.ProcessList != nil {
		t.Fatalf("--query: %+v", p)
	}
	fails(t, "ERROR_NOT_SUPPORTED", "properties", "--query", `{"PropertyTypes":["GuestConnection"]}`, "props")

	ok(t, "modify", "props", example("modify.json"))
	if p := props("--memory"); p.Memory == nil || p.Memory.VirtualMachineMemory.AssignedMemory != 256<<20/4096 {
		t.Fatalf("after modify.json the memory is %+v, want 256 MiB in 4 KiB pages", p.Memory)
	}
	r := daemon.runIn(t, `{"ResourcePath":"Container/Memory/SizeInMB","RequestType":"Update","Settings":300}`, "modify", "props")
	if r.code != 0 {
		t.Fatalf("modify from stdin:\n%s", r)
	}

	fails(t, "HCS_E_INVALID_STATE", "save", "props") // a running system cannot be saved
	ok(t, "pause", "props")
	r = hcsdiag(t, "save", "--options", `{"SaveType":"ToFile","SaveStateFilePath":"/nonexistent/x.vmrs"}`, "props")
	if r.code != 1 || !strings.HasPrefix(r.stderr, "hcsdiag: save: ") || !strings.Contains(r.stderr, "(0x80") {
		t.Fatalf("saving a container:\n%s", r)
	}
	ok(t, "resume", "props")
}

// stateIn returns the STATE column of id in hcsdiag list.
func stateIn(t *testing.T, id string) string {
	t.Helper()
	f := strings.Fields(lineWith(ok(t, "list"), id))
	if len(f) < 3 {
		return ""
	}
	return f[2]
}

// lineWith returns the first line of out whose first field is id.
func lineWith(out, id string) string {
	for _, line := range strings.Split(out, "\n") {
		if f := strings.Fields(line); len(f) > 0 && f[0] == id {
			return line
		}
	}
	return ""
}
