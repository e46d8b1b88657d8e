package vm

import (
	"bytes"
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"
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

// checkGolden compares v, encoded as indented JSON, with the golden file (or rewrites it).
func checkGolden(t *testing.T, path string, v any) {
	t.Helper()
	got, err := json.MarshalIndent(v, "", "\t")
	if err != nil {
		t.Fatal(err)
	}
	got = append(got, '\n')
	if *update {
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test -run Golden -update to create it)", err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("%s differs from the built command:\n%s", path, got)
	}
}
