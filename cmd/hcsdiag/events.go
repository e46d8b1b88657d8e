package main

import (
	"encoding/json"
	"fmt"
	"io"
	"sync"
	"time"

	"github.com/linuxhcs/hcs/client"
	"github.com/linuxhcs/hcs/hresult"
	"github.com/linuxhcs/hcs/schema"
)

// pollInterval is how often events enumerates the systems to find new ones and state
// changes.
const pollInterval = 250 * time.Millisecond

var eventsVerb = &verb{
	name:     "events",
	summary:  "stream the events of one or all compute systems",
	synopsis: []string{"hcsdiag events [--json] [ID]"},
	description: `Prints one line per event as it happens: the time (UTC, RFC 3339), the system id, the
event's name and its data document, like docker events. With ID it follows that system
and ends after the system has exited; without, it follows every system, picks up new
ones as they appear, and runs until interrupted.

Two kinds of events are shown. The service's own events arrive through a callback on a
handle to each system (HcsSetComputeSystemCallback): SystemExited with its
SystemExitStatus, SystemCrashInitiated, SystemCrashReport with its CrashReport,
SystemGuestConnectionClosed, and ServiceDisconnect when the service goes away. HCS
has no events for the other state changes, so hcsdiag also enumerates the systems four
times a second and reports what changed since: Created when a system appears, and
StateChange with {"State": new, "Previous": old} when one is started, paused or
resumed. A change that is undone between two looks is not seen.

While hcsdiag holds its handle, a stopped system stays listed; the handle is closed
right after the SystemExited event.`,
	opts: []option{{long: "json", help: `print each event as a JSON object: {"Time", "Id", "Event", "Data"}`}},
	examples: `$ hcsdiag events
2025-01-02T10:00:00.120Z  demo  Created       {"State":"Created"}
2025-01-02T10:00:00.610Z  demo  StateChange   {"State":"Running","Previous":"Created"}
2025-01-02T10:00:05.013Z  demo  SystemExited  {"Status":0,"ExitType":"GracefulExit"}
$ hcsdiag events demo &`,
	maxArgs: 1, stopAfter: -1,
	run: runEvents,
}

// eventLine is one printed event.
type eventLine struct {
	Time  string
	Id    string
	Event string
	Data  json.RawMessage `json:",omitempty"`
}

// eventPrinter writes events one line at a time from any goroutine.
type eventPrinter struct {
	mu     sync.Mutex
	w      io.Writer
	asJSON bool
}

func (pr *eventPrinter) print(id, event, data string) {
	pr.mu.Lock()
	defer pr.mu.Unlock()
	now := time.Now().UTC().Format("2006-01-02T15:04:05.000Z")
	if pr.asJSON {
		line := eventLine{Time: now, Id: id, Event: event}
		if json.Valid([]byte(data)) {
			line.Data = json.RawMessage(data)
		}
		fmt.Fprintln(pr.w, mustJSON(line))
		return
	}
	fmt.Fprintf(pr.w, "%s  %s  %-12s  %s\n", now, id, event, data)
}

// eventNames names the HCS event types.
var eventNames = map[client.EventType]string{
	client.EventSystemExited:                      "SystemExited",
	client.EventSystemCrashInitiated:              "SystemCrashInitiated",
	client.EventSystemCrashReport:                 "SystemCrashReport",
	client.EventSystemRdpEnhancedModeStateChanged: "SystemRdpEnhancedModeStateChanged",
	client.EventSystemSiloJobCreated:              "SystemSiloJobCreated",
	client.EventSystemGuestConnectionClosed:       "SystemGuestConnectionClosed",
	client.EventServiceDisconnect:                 "ServiceDisconnect",
}

func eventName(t client.EventType) string {
	if n, ok := eventNames[t]; ok {
		return n
	}
	return fmt.Sprintf("Event0x%08X", uint32(t))
}

func runEvents(e *env, p *parsed) error {
	if _, err := e.client(); err != nil {
		return err
	}
	w := &watcher{e: e, pr: &eventPrinter{w: e.stdout, asJSON: p.has("json")}, watched: map[string]*watched{},
		disconnected: make(chan struct{})}
	if len(p.args) == 1 {
		w.only = p.args[0]
		if err := w.attach(w.only, ""); err != nil {
			return err
		}
	}
	return w.loop()
}

// watched is what events knows of one system; its fields are guarded by the watcher's mu.
type watched struct {
	handle *client.System
	state  schema.State
	exited chan struct{}
}

// takeHandle returns the handle for closing (nil when already taken); the watcher's mu is
// held.
func (w *watched) takeHandle() *client.System {
	h := w.handle
	w.handle = nil
	return h
}

// stateOf returns a system's state from the enumeration, with ok false when it is gone.
func stateOf(systems []schema.Properties, id string) (schema.State, bool) {
	for _, s := range systems {
		if s.Id == id {
			return s.State, true
		}
	}
	return "", false
}

// errDisconnected ends the stream when the service goes away.
var errDisconnected = hresult.New(hresult.HCS_E_SERVICE_DISCONNECT, "the connection to the compute service was lost")
