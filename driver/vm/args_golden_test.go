package vm

import (
	"encoding/json"
	"flag"
	"os"
	"testing"

	"github.com/linuxhcs/hcs/internal/testutil"
)

// update rewrites the golden files from the current output: go test -run Golden -update.
var update = flag.Bool("update", false, "rewrite testdata/*.golden.json from the current output")

// TestGoldenCommands builds the command of every testdata/*.json input (a Config) and
// compares it with testdata/<name>.golden.json.
func TestGoldenCommands(t *testing.T) {
	testutil.RunGolden(t, "testdata", *update, buildGolden)
}

// buildGolden builds the command of one input file.
func buildGolden(t *testing.T, in string) any {
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
	return cmd
}
