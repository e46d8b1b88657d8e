// Package faultpoint names the steps of the service's operations at which a crash or a stall
// leaves something behind that recovery must deal with, so that the fault suite (make stress)
// can stop the service at each of them in turn rather than wherever a timer happens to fall.
//
// A step is declared once, at package level, with New; the code reaches it with Reach. The
// environment variable Env chooses what happens at one step: "kill:<step>" makes the
// process SIGKILL itself there (after one line on standard error naming the step), and
// "hang:<step>" blocks the goroutine for good. Without Env, Reach costs one comparison. The
// variable is read once, at the first Reach; a service never sets it.
package faultpoint

import (
	"fmt"
	"os"
	"slices"
	"strings"
	"sync"
	"syscall"
	"time"
)

// Env is the environment variable that chooses a step and what happens there.
const Env = "HCS_FAULT"

// Step is one named point of an operation.
type Step struct{ name string }

// Name returns the step's name, as Env spells it.
func (s *Step) Name() string { return s.name }

var (
	registry   sync.Map // name → *Step
	chosenOnce sync.Once
	chosen     struct {
		action, step string
	}
)

// New declares the step name. Names are "<operation>/<what has just happened>", such as
// "start/runtime-ran"; declaring one twice panics, since All would then list it once for
// two places.
func New(name string) *Step {
	s := &Step{name: name}
	if _, dup := registry.LoadOrStore(name, s); dup {
		panic("faultpoint: step " + name + " declared twice")
	}
	return s
}

// All returns the names of the declared steps whose names start with prefix, sorted: the
// steps of the packages linked into the calling program.
func All(prefix string) []string {
	var names []string
	registry.Range(func(k, _ any) bool {
		if name := k.(string); strings.HasPrefix(name, prefix) {
			names = append(names, name)
		}
		return true
	})
	slices.Sort(names)
	return names
}

// Reach marks that the calling code got to the step, and does what Env asks there.
func (s *Step) Reach() {
	chosenOnce.Do(readEnv)
	if chosen.step != s.name {
		return
	}
	switch chosen.action {
	case "kill":
		fmt.Fprintf(os.Stderr, "faultpoint: killing the process at %s\n", s.name)
		syscall.Kill(os.Getpid(), syscall.SIGKILL)
		forever() // the signal is on its way; nothing after the step may run
	case "hang":
		fmt.Fprintf(os.Stderr, "faultpoint: stopping for good at %s\n", s.name)
		forever()
	}
}

// forever blocks the goroutine for good. A sleep rather than an empty select: the runtime
// would take a process whose every goroutine is so blocked for a deadlock and end it.
func forever() {
	for {
		time.Sleep(time.Hour)
	}
}

// readEnv parses Env; anything but "kill:<step>" or "hang:<step>" chooses nothing.
func readEnv() {
	action, step, ok := strings.Cut(os.Getenv(Env), ":")
	if ok && (action == "kill" || action == "hang") {
		chosen.action, chosen.step = action, step
	}
}

// Setting returns the value of Env that makes action ("kill" or "hang") happen at step.
func Setting(action, step string) string { return action + ":" + step }
