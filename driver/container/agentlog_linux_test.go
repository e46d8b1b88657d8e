package container

import (
	"encoding/json"
	"log/slog"
	"strings"
	"testing"

	"github.com/linuxhcs/hcs/internal/testutil"
)

// TestAgentLogIsBounded floods the init's output pipe: the service's log gets at most
// agentLogBudget bytes of it in lines of at most agentLogLine bytes, says once that the rest
// is dropped, and the latest output is still kept for error messages.
func TestAgentLogIsBounded(t *testing.T) {
	var buf testutil.Buffer
	l, w, err := newAgentLog(slog.New(slog.NewJSONHandler(&buf, nil)), "flood")
	if err != nil {
		t.Fatal(err)
	}
	go func() {
		w.Write([]byte(strings.Repeat("y", 2*agentLogLine+10) + "\n"))
		for written := 0; written < 2*agentLogBudget; written += 100 {
			w.Write([]byte(strings.Repeat("x", 99) + "\n"))
		}
		w.Write([]byte("last words\n"))
		w.Close()
	}()
	<-l.done
	logged, warnings := 0, 0
	for _, rec := range strings.Split(strings.TrimSpace(buf.String()), "\n") {
		var r struct{ Level, Msg, ID, Line string }
		if err := json.Unmarshal([]byte(rec), &r); err != nil {
			t.Fatalf("log record %q: %v", rec, err)
		}
		if r.Level == "WARN" {
			warnings++
			continue
		}
		if r.ID != "flood" || len(r.Line) > agentLogLine {
			t.Fatalf("record %q: want id flood and a line of at most %d bytes", rec, agentLogLine)
		}
		logged += len(r.Line)
	}
	if logged > agentLogBudget || logged < agentLogBudget/2 {
		t.Errorf("%d bytes of output logged, want at most the budget %d and most of it", logged, agentLogBudget)
	}
	if warnings != 1 {
		t.Errorf("%d warnings that the budget is spent, want 1", warnings)
	}
	if tail := l.latest(); len(tail) > agentLogKeep || !strings.HasSuffix(string(tail), "last words\n") {
		t.Errorf("kept %d bytes ending %q, want at most %d ending with the last line", len(tail), tail[max(0, len(tail)-20):], agentLogKeep)
	}
	l.close()
}
