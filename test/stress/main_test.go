//go:build stress

package stress

import (
	"context"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/linuxhcs/hcs/client"
	"github.com/linuxhcs/hcs/internal/hcsdtest"
	"github.com/linuxhcs/hcs/internal/testlayer"
	"github.com/linuxhcs/hcs/internal/testutil"
)

// callTimeout bounds every call of the suite: a call that takes longer hangs, which is a
// failure of its own.
const callTimeout = 60 * time.Second

// bin holds hcsd and hcs-agent built from this checkout; layer is the busybox layer.
var bin, layer string

func TestMain(m *testing.M) {
	code := m.Run()
	testlayer.Cleanup()
	if bin != "" {
		os.RemoveAll(bin)
	}
	os.Exit(code)
}

// setup builds the binaries and the layer once for the whole suite.
func setup(t *testing.T) {
	t.Helper()
	testutil.RequireRoot(t)
	if bin != "" {
		return
	}
	dir, err := os.MkdirTemp("", "hcs-stress-bin-")
	if err != nil {
		t.Fatal(err)
	}
	if err := hcsdtest.Build(dir, hcsdtest.Hcsd, hcsdtest.Agent); err != nil {
		os.RemoveAll(dir)
		t.Fatal(err)
	}
	if layer, err = testlayer.Busybox(); err != nil {
		os.RemoveAll(dir)
		t.Fatal(err)
	}
	bin = dir
}

// service is one isolated hcsd of a test, with the census it had when it was new.
type service struct {
	*hcsdtest.Daemon
	t        *testing.T
	runtime  string
	baseline hcsdtest.Census
	// env is added to hcsd's environment at every start.
	env []string
	// work holds the writable layers and layer imports of the test, below Base so that the
	// census counts their mounts.
	work string
}

// newService starts an hcsd that uses runtime, takes its baseline census and, when the test
// ends, checks that a last census matches it. before runs first, on the service's
// directories, before hcsd starts for the first time.
func newService(t *testing.T, runtime string, before ...func(*service)) *service {
	t.Helper()
	setup(t)
	s := &service{Daemon: hcsdtest.New(t, hcsdtest.Options{Bin: bin, Name: runtime, Runtime: runtime}), t: t, runtime: runtime}
	s.work = filepath.Join(s.Base, "work")
	if err := os.Mkdir(s.work, 0o700); err != nil {
		t.Fatal(err)
	}
	for _, b := range before {
		b(s)
	}
	s.start()
	s.baseline = s.settledCensus(nil)
	t.Cleanup(s.checkCensus)
	return s
}

// in makes the service report to t (a subtest) until the returned function is called.
func (s *service) in(t *testing.T) (restore func()) {
	old := s.t
	s.t = t
	return func() { s.t = old }
}

// start runs hcsd, with env added to its environment for this run only.
func (s *service) start(env ...string) {
	s.t.Helper()
	s.Env = append(append([]string{}, s.env...), env...)
	if err := s.Start(); err != nil {
		s.t.Fatal(err)
	}
}

// restart kills hcsd and starts it again (with env): the crash a test is about.
func (s *service) restart(env ...string) {
	s.t.Helper()
	s.Kill()
	s.start(env...)
}

// dial connects a client; the test closes it.
func (s *service) dial() *client.Client {
	s.t.Helper()
	c, err := s.Dial()
	if err != nil {
		s.t.Fatal(err)
	}
	return c
}

// checkCensus terminates whatever the test left (an error if there was any), and compares the
// census of the idle service with the baseline.
func (s *service) checkCensus() {
	if !s.Running() {
		s.start()
	}
	if left, err := s.TerminateAll(); err != nil || len(left) > 0 {
		s.t.Errorf("systems still there at the end: %v %v", left, err)
	}
	final := s.settledCensus(s.baseline)
	if diff := final.Diff(s.baseline); len(diff) > 0 {
		s.t.Errorf("the census differs from the one taken before the test:\n%s", strings.Join(diff, "\n"))
	} else {
		s.t.Logf("census after the test: the same %d things as before it (%s)", final.Len(), final.Summary())
	}
	if s.RacesIn() {
		s.t.Error("hcsd reported a data race (see its log)")
	}
}

// settledCensus takes the census until it equals want or 15 s pass (releases and closed
// connections settle in the background), and returns the last one. With want nil, it waits
// until two censuses a moment apart agree.
func (s *service) settledCensus(want hcsdtest.Census) hcsdtest.Census {
	deadline := time.Now().Add(15 * time.Second)
	last := s.Census(layer)
	for time.Now().Before(deadline) {
		time.Sleep(100 * time.Millisecond)
		now := s.Census(layer)
		target := want
		if target == nil {
			target = last
		}
		if len(now.Diff(target)) == 0 {
			return now
		}
		last = now
	}
	return last
}

// ctx returns a context bounded by callTimeout.
func ctx(t *testing.T) context.Context {
	c, cancel := context.WithTimeout(context.Background(), callTimeout)
	t.Cleanup(cancel)
	return c
}

// runtimes lists the runtimes the suite runs under: both, unless STRESS_RUNTIMES names some.
func runtimes() []string {
	if env := os.Getenv("STRESS_RUNTIMES"); env != "" {
		return strings.Fields(env)
	}
	return []string{"crun", "runc"}
}

// eachRuntime runs body as a subtest per runtime.
func eachRuntime(t *testing.T, body func(t *testing.T, runtime string)) {
	for _, rt := range runtimes() {
		if !slices.Contains([]string{"crun", "runc"}, rt) {
			t.Fatalf("STRESS_RUNTIMES: unknown runtime %q", rt)
		}
		t.Run(rt, func(t *testing.T) { body(t, rt) })
	}
}
