package host

import (
	"testing"

	"github.com/linuxhcs/hcs/driver"
	"github.com/linuxhcs/hcs/schema"
)

func TestRecoveredStateIsWhatTheDriverFound(t *testing.T) {
	yes, no := true, false
	for _, c := range []struct {
		recorded schema.State
		started  bool
		paused   *bool
		want     schema.State
	}{
		{schema.StateCreated, false, nil, schema.StateCreated},
		{schema.StateCreated, true, nil, schema.StateRunning},   // killed while starting
		{schema.StateCreated, true, &no, schema.StateRunning},   // same, with a driver that can tell
		{schema.StateRunning, true, &yes, schema.StatePaused},   // killed after freezing, before recording it
		{schema.StatePaused, true, &no, schema.StateRunning},    // killed after thawing, before recording it
		{schema.StatePaused, true, nil, schema.StatePaused},     // a driver that cannot tell keeps the record
		{schema.StateRunning, true, nil, schema.StateRunning},   //
		{schema.StatePaused, true, &yes, schema.StatePaused},    //
		{schema.StateCreated, false, &yes, schema.StateCreated}, // never started: nothing to be paused
	} {
		got, _ := recoveredState(record{State: c.recorded}, driver.Recovered{Started: c.started, Paused: c.paused})
		if got != c.want {
			t.Errorf("recorded %s, started %v, paused %v: got %s, want %s", c.recorded, c.started, c.paused, got, c.want)
		}
	}
}
