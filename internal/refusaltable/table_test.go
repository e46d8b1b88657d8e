package refusaltable

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/linuxhcs/hcs/internal/testutil"
)

// TestTableParses: every row of the real table has the row's shape and each back-end has
// rows for its tests to check.
func TestTableParses(t *testing.T) {
	for _, b := range BackEnds {
		Rows(t, b)
	}
}

// TestMalformedRowIsAnError: a row with a wrong code name, an unknown back-end or a missing
// cell is reported, not skipped.
func TestMalformedRowIsAnError(t *testing.T) {
	bad := map[string]string{
		"wrong name":       "| VM | pause | `{}` | `E_NOTIMPL` (0x80070032) | `m` |",
		"unknown back-end": "| guest | pause | `{}` | `ERROR_NOT_SUPPORTED` (0x80070032) | `m` |",
		"missing cell":     "| VM | pause | `ERROR_NOT_SUPPORTED` (0x80070032) | `m` |",
	}
	for name, row := range bad {
		p := filepath.Join(t.TempDir(), "t.md")
		os.WriteFile(p, []byte("| Back-end | Call | Input | Code | Message contains |\n|---|---|---|---|---|\n"+row+"\n"), 0o600)
		if _, err := Parse(p); err == nil || !strings.Contains(err.Error(), ":3: ") {
			t.Errorf("%s: Parse = %v, want an error naming line 3", name, err)
		}
	}
	if rows, err := Parse(filepath.Join(testutil.ModuleRoot(t), Path)); err != nil || len(rows) == 0 {
		t.Fatalf("the real table: %d rows, %v", len(rows), err)
	}
}
