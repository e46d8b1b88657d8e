package vm

import (
	"context"
	"sync/atomic"
	"testing"
	"time"

	"github.com/linuxhcs/hcs/driver"
	"github.com/linuxhcs/hcs/schema"
)

// TestExitOvertakesSpawnReply holds each spawn reply back until the guest agent has
// reported the process's exit: the exit is still delivered exactly once, with its code, to
// the pid the spawn returned, and before CreateProcess returned (it was waiting for the pid).
func TestExitOvertakesSpawnReply(t *testing.T) {
	requireVM(t)
	d := newTestDriver(t)
	d.spawnReturned = func(int) { time.Sleep(2 * time.Second) } // the guest may run under TCG
	v := createVM(t, d, vmDoc(env.kernel, env.initrd))
	v.start()
	for _, c := range []struct {
		script string
		want   uint32
	}{{"true", 0}, {"exit 7", 7}} {
		var returned, deliveredEarly atomic.Bool
		params := &schema.ProcessParameters{CommandArgs: []string{"/bin/sh", "-c", c.script}, Environment: map[string]string{"PATH": "/bin"}}
		req := driver.ProcessRequest{Params: params, OnExit: func(pid, code uint32) {
			deliveredEarly.Store(!returned.Load())
			v.rec.ProcessExited(pid, code)
		}}
		var pid uint32
		v.must("CreateProcess", func(ctx context.Context) error {
			p, err := v.sys.CreateProcess(ctx, req)
			returned.Store(true)
			if err == nil {
				pid = p.Pid()
			}
			return err
		})
		if code, ok := v.rec.WaitProcessExited(pid, timeout); !ok || code != c.want {
			t.Fatalf("%q (pid %d): exit %d, %v; want %d", c.script, pid, code, ok, c.want)
		}
		if !deliveredEarly.Load() {
			t.Errorf("%q: the exit did not overtake the spawn reply", c.script)
		}
		time.Sleep(100 * time.Millisecond)
		if codes := v.rec.ProcessExits(pid); len(codes) != 1 {
			t.Errorf("%q (pid %d): exits delivered %v, want exactly one", c.script, pid, codes)
		}
	}
}
