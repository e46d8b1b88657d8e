package vm

import (
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/linuxhcs/hcs/internal/testutil"
)

// update rewrites the golden files from the current output: go test -run Golden -update.
var update = flag.Bool("update", false, "rewrite testdata/*.golden.json from the current output")

// TestGoldenCommands builds the command of every testdata/*.json input (a Config) and
// compares it with testdata/<name>.golden.json.
func TestGoldenCommands(t *testing.T) {
	inputs, err := filepath.Glob("testdata/*.json")
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, in := range inputs {
		if strings.HasSuffix(in, ".golden.json") {
			continue
		}
		n++
		name := strings.TrimSuffix(filepath.Base(in), ".json")
		t.Run(name, func(t *testing.T) {
			var cfg Config
			b, err := os.ReadFile(in)
			if err != nil {
				t.Fatal(err)
			}
			if err := json.Unmarshal(b, &cfg); err != nil {
				t.Fatalf("%s: %v", in, err)
			}
			cmd, err := BuildCommand(cfg)
			if err != nil {
				t.Fatalf("BuildCommand: %v", err)
			}
			checkGolden(t, filepath.Join("testdata", name+".golden.json"), cmd)
		})
	}
	if n == 0 {
		t.Fatal("no golden inputs in testdata")
	}
}

// checkGolden compares v with the golden file, or rewrites the file with -update.
func checkGolden(t *testing.T, path string, v any) {
	t.Helper()
	testutil.CheckGolden(t, path, v, *update)
}
