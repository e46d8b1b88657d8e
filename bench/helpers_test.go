package bench

import (
	"context"
	"encoding/json"
	"log/slog"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"testing"
	"time"

	"golang.org/x/sys/unix"

	"github.com/linuxhcs/hcs/driver/container"
	"github.com/linuxhcs/hcs/internal/testlayer"
	"github.com/linuxhcs/hcs/internal/testutil"
	"github.com/linuxhcs/hcs/schema"
)

// cgroupParent is the cgroup under which every benchmark container is placed; TestMain
// removes it.
const cgroupParent = "/hcs-bench"

// patience bounds one iteration, or one call outside the timed loop.
const patience = time.Minute

// runtimes are the OCI runtimes every container benchmark compares.
var runtimes = []string{"runc", "crun"}

// quiet is the host's and driver's logger: warnings and errors only, so a result table is
// not interleaved with per-operation logs.
var quiet = slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelWarn}))

// need skips the benchmark with reason unless ok; under CI (CI=true) it fails instead, so
// CI never passes by silently skipping.
func need(b *testing.B, ok bool, reason string) {
	b.Helper()
	if ok {
		return
	}
	if testutil.InCI() {
		b.Fatal(reason + " (CI=true: a benchmark that cannot run fails rather than skips)")
	}
	b.Skip(reason)
}

// requireContainers gates a container benchmark: root and the runtime installed.
func requireContainers(b *testing.B, runtime string) {
	b.Helper()
	need(b, os.Geteuid() == 0, "container benchmarks need root (they mount overlays and create cgroups)")
	_, err := exec.LookPath(runtime)
	need(b, err == nil, runtime+" is not installed (scripts/setup.sh installs it)")
}

// tempDir returns a new directory under the run's scratch root, removed after b.
func tempDir(b *testing.B) string {
	b.Helper()
	dir, err := os.MkdirTemp(scratchRoot, "b")
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { os.RemoveAll(dir) })
	return dir
}

// busyboxLayer returns the read-only busybox layer every container runs on.
func busyboxLayer(b *testing.B) string {
	b.Helper()
	layer, err := testlayer.Busybox()
	if err != nil {
		b.Fatal(err)
	}
	return layer
}

// containerSection is the Container document of every benchmark container: the busybox
// layer under a writable layer the driver (or the raw benchmark) creates.
func containerSection(b *testing.B) *schema.Container {
	return &schema.Container{Storage: &schema.Storage{Layers: []schema.Layer{{Path: busyboxLayer(b)}}}}
}

// containerDoc is the ComputeSystem document of containerSection.
func containerDoc(b *testing.B) string {
	doc, err := json.Marshal(schema.ComputeSystem{
		SchemaVersion: &schema.Version{Major: 2, Minor: 1},
		Container:     containerSection(b),
	})
	if err != nil {
		b.Fatal(err)
	}
	return string(doc)
}

// openFilesLimit is the init's RLIMIT_NOFILE the driver sets: our hard limit, capped at
// the default, since the runtime cannot raise it above what it inherits.
func openFilesLimit() uint64 {
	var lim unix.Rlimit
	if err := unix.Getrlimit(unix.RLIMIT_NOFILE, &lim); err != nil || lim.Max == 0 {
		return container.DefaultOpenFilesLimit
	}
	return min(lim.Max, container.DefaultOpenFilesLimit)
}

// callCtx is the context of one call or iteration.
func callCtx() (context.Context, context.CancelFunc) {
	return context.WithTimeout(context.Background(), patience)
}

// reportMs adds the mean time per iteration in milliseconds, easier to read than ns/op.
func reportMs(b *testing.B) {
	if b.N > 0 {
		b.ReportMetric(ms(b.Elapsed())/float64(b.N), "ms/op")
	}
}

func ms(d time.Duration) float64 { return float64(d) / float64(time.Millisecond) }

// laps splits each iteration into named phases and reports the mean of each.
type laps struct {
	names []string
	total []time.Duration
	last  time.Time
}

func newLaps(names ...string) *laps {
	return &laps{names: names, total: make([]time.Duration, len(names))}
}

// start begins an iteration; lap(i) ends phase i and begins the next.
func (l *laps) start() { l.last = time.Now() }

func (l *laps) lap(i int) {
	now := time.Now()
	l.total[i] += now.Sub(l.last)
	l.last = now
}

// report adds "<phase>-ms/op" for every phase.
func (l *laps) report(b *testing.B) {
	for i, name := range l.names {
		if b.N > 0 {
			b.ReportMetric(ms(l.total[i])/float64(b.N), name+"-ms/op")
		}
	}
}

// sortedGlob is filepath.Glob, deepest paths first (so children are removed before parents).
func sortedGlob(pattern string) []string {
	m, _ := filepath.Glob(pattern)
	sort.Slice(m, func(i, j int) bool { return len(m[i]) > len(m[j]) })
	return m
}
