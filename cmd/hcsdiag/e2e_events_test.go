package main

import (
	"context"
	"encoding/json"
	"strings"
	"syscall"
	"testing"
	"time"
)

func TestEvents(t *testing.T) {
	needDaemon(t)
	ctx, cancel := context.WithTimeout(context.Background(), e2eTimeout)
	defer cancel()
	all, allOut, _ := daemon.command(ctx, "", "events")
	if err := all.Start(); err != nil {
		t.Fatal(err)
	}
	time.Sleep(2 * pollInterval) // its first look at the systems
	newContainer(t, "ev")
	one, oneOut, oneErr := daemon.command(ctx, "", "events", "--json", "ev")
	if err := one.Start(); err != nil {
		t.Fatal(err)
	}
	settle := func() { time.Sleep(3 * pollInterval) }
	settle()
	ok(t, "pause", "ev")
	settle()
	ok(t, "resume", "ev")
	settle()
	ok(t, "terminate", "ev")

	// Following one system ends after its exit.
	if err := one.Wait(); err != nil {
		t.Fatalf("events ev: %v\n%s", err, oneErr)
	}
	var names []string
	for _, line := range strings.Split(strings.TrimSpace(oneOut.String()), "\n") {
		var ev eventLine
		if err := json.Unmarshal([]byte(line), &ev); err != nil || ev.Id != "ev" || ev.Time == "" {
			t.Fatalf("events --json line %q: %v", line, err)
		}
		names = append(names, ev.Event+string(ev.Data))
	}
	want := []string{`StateChange{"State":"Paused","Previous":"Running"}`, `StateChange{"State":"Running","Previous":"Paused"}`,
		`SystemExited{"Status":0,"ExitType":"ForcedExit"}`}
	if strings.Join(names, "\n") != strings.Join(want, "\n") {
		t.Errorf("events ev:\n%s\nwant\n%s", strings.Join(names, "\n"), strings.Join(want, "\n"))
	}

	waitFor(t, func() bool { return strings.Contains(allOut.String(), "SystemExited") })
	all.Process.Signal(syscall.SIGINT)
	if err := all.Wait(); err != nil {
		t.Fatalf("events ended by SIGINT: %v", err)
	}
	var got []string
	for _, line := range strings.Split(strings.TrimSpace(allOut.String()), "\n") {
		f := strings.Fields(line)
		if len(f) < 3 || f[1] != "ev" {
			t.Fatalf("events line %q", line)
		}
		if _, err := time.Parse(time.RFC3339, f[0]); err != nil {
			t.Errorf("events line %q: time: %v", line, err)
		}
		got = append(got, f[2])
	}
	// The container may be seen first as Created or already Running.
	seq := strings.Join(got, " ")
	if !strings.HasPrefix(seq, "Created StateChange") || !strings.HasSuffix(seq, "StateChange StateChange SystemExited") ||
		!strings.Contains(allOut.String(), `{"State":"Paused","Previous":"Running"}`) {
		t.Errorf("events of all systems:\n%s", allOut)
	}
	fails(t, "HCS_E_SYSTEM_NOT_FOUND", "events", "no-such-system")
}
