package container_test

import (
	"crypto/sha256"
	"encoding/hex"
	"strings"
	"testing"

	"github.com/linuxhcs/hcs/client"
	"github.com/linuxhcs/hcs/schema"
)

// TestIDsOnceSharingARuntimeNameRunApart: a long id was once hashed to a runtime container
// name that a second id, made of the hash's digits, got as is. Through the API both systems
// run at once, and terminating the second leaves the first running.
func TestIDsOnceSharingARuntimeNameRunApart(t *testing.T) {
	forEachRuntime(t, func(t *testing.T, e *env) {
		long := strings.Repeat("a-long-system-id-", 4) + e.runtime
		sum := sha256.Sum256([]byte(long))
		first := e.start(long, nil)
		second := e.start(hex.EncodeToString(sum[:12]), nil)
		for _, sys := range []*client.System{first, second} {
			if out := mustRun(t, sys, "echo alive"); out != "alive\n" {
				t.Fatalf("%s: %q, want alive", sys.ID(), out)
			}
		}
		mustDo(t, func(op *client.Operation) error { return second.Terminate(op, "") })
		if st := properties(t, first).State; st != schema.StateRunning {
			t.Fatalf("%s is %s after %s was terminated", first.ID(), st, second.ID())
		}
		if out := mustRun(t, first, "echo alive"); out != "alive\n" {
			t.Fatalf("%s after %s was terminated: %q, want alive", first.ID(), second.ID(), out)
		}
	})
}
