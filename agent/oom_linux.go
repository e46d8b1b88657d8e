package agent

import (
	"os"
	"strconv"
	"strings"
	"sync"
)

// The container dies with its init, so a workload over its memory limit must be what the
// OOM killer picks, never the agent. Lowering the agent's own score needs CAP_SYS_RESOURCE,
// which the service may not have; raising a score needs nothing. So the agent gives every
// process it starts a score workerOOMBoost above its own: a child inherits the value at fork,
// and the agent raises its own value around each fork and restores it after (restoring to a
// value it held before is allowed). For that instant the agent is no more protected than a
// workload, which is the price of needing no privilege.

const (
	oomAdjPath     = "/proc/self/oom_score_adj"
	workerOOMBoost = 500
	maxOOMScoreAdj = 1000
)

// oomGuard switches the agent's oom_score_adj to the workload's value around forks.
type oomGuard struct {
	mu      sync.Mutex
	own     string // the agent's value, "" when it cannot be read (no switching)
	workers string // the value processes get
}

func newOOMGuard() *oomGuard {
	b, err := os.ReadFile(oomAdjPath)
	own, perr := strconv.Atoi(strings.TrimSpace(string(b)))
	if err != nil || perr != nil || own >= maxOOMScoreAdj {
		return &oomGuard{}
	}
	return &oomGuard{own: strconv.Itoa(own), workers: strconv.Itoa(min(own+workerOOMBoost, maxOOMScoreAdj))}
}

// fork runs start with the workload's oom_score_adj in effect.
func (g *oomGuard) fork(start func() (int, error)) (int, error) {
	if g.own == "" {
		return start()
	}
	g.mu.Lock()
	defer g.mu.Unlock()
	os.WriteFile(oomAdjPath, []byte(g.workers), 0)
	defer os.WriteFile(oomAdjPath, []byte(g.own), 0)
	return start()
}
