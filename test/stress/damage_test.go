//go:build stress

package stress

import (
	"path/filepath"
	"testing"

	"github.com/linuxhcs/hcs/client"
	"github.com/linuxhcs/hcs/internal/testutil"
)

// damages are the ways a system's records are found spoiled after a crash: each replaces a
// file's content ("-" removes it).
var damages = []struct{ name, file, content string }{
	{"system-corrupt", "system.json", `{"Id":"dam`},
	{"system-empty", "system.json", ""},
	{"system-missing", "system.json", "-"},
	{"system-not-an-object", "system.json", `[1,2,3]`},
	{"system-unknown-state", "system.json", `{"Id":"x","State":"Exploded","Driver":"container"}`},
	{"driver-corrupt", "driver.json", `{"RuntimeID":`},
	{"driver-empty", "driver.json", ""},
	{"driver-missing", "driver.json", "-"},
	{"driver-no-runtime-id", "driver.json", `{}`},
}

// TestDamagedRecords runs containers in each state (created, running, paused), kills hcsd,
// spoils their records in every way of damages, and restarts it: the service starts, and
// everything of the spoiled systems is either adopted and usable or torn down.
func TestDamagedRecords(t *testing.T) {
	eachRuntime(t, func(t *testing.T, runtime string) {
		s := newService(t, runtime)
		c := s.dial()
		var ids []string
		for _, d := range damages {
			for _, state := range []string{"created", "running", "paused"} {
				id := "d-" + d.name + "-" + state
				s.makeInState(c, id, state)
				ids = append(ids, id)
			}
		}
		c.Close()
		s.Kill()
		for i, id := range ids {
			d := damages[i/3]
			testutil.Spoil(t, filepath.Join(s.StateDir, "systems", id, d.file), d.content)
		}
		s.start()
		c = s.dial()
		defer c.Close()
		states := checkAll(t, c)
		t.Logf("%d of %d systems with spoiled records were adopted: %v", len(states), len(ids), states)
	})
}

// makeInState creates id and brings it to state: created, running or paused.
func (s *service) makeInState(c *client.Client, id, state string) {
	s.t.Helper()
	sys, err := create(ctx(s.t), c, id, s.writable(id))
	if err != nil {
		s.t.Fatal(err)
	}
	defer sys.Close()
	if state == "created" {
		return
	}
	if err := start(ctx(s.t), sys); err != nil {
		s.t.Fatal(err)
	}
	if state == "paused" {
		if err := pause(ctx(s.t), sys); err != nil {
			s.t.Fatal(err)
		}
	}
}
