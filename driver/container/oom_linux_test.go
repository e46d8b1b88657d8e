package container_test

import (
	"context"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/linuxhcs/hcs/driver"
	"github.com/linuxhcs/hcs/driver/drivertest"
)

func TestWorkloadIsTheOOMKillersChoice(t *testing.T) {
	d := newDriver(t, "runc")
	rec := drivertest.NewRecorder()
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	sys, err := d.Create(ctx, driver.CreateRequest{ID: "oom", Config: busyboxConfig(t), StateDir: t.TempDir(), Notify: rec})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { sys.Terminate(context.Background()); sys.Close(context.Background()) })
	if err := sys.Start(ctx); err != nil {
		t.Fatal(err)
	}
	out, _ := runIn(t, sys, rec, "sleep 0.2; cat /proc/1/oom_score_adj /proc/self/oom_score_adj")
	f := strings.Fields(out)
	if len(f) != 2 {
		t.Fatalf("output %q", out)
	}
	init, _ := strconv.Atoi(f[0])
	work, _ := strconv.Atoi(f[1])
	if work <= init {
		t.Fatalf("init oom_score_adj %d, workload %d: the workload must score higher", init, work)
	}
	// The agent raises its own score for the instant of each fork, so a process may see it
	// raised while its spawn is finishing; a moment later it is back.
	again, _ := runIn(t, sys, rec, "sleep 0.2; cat /proc/1/oom_score_adj")
	if strings.TrimSpace(again) != f[0] {
		t.Fatalf("the agent's score changed from %s to %s", f[0], again)
	}
}
