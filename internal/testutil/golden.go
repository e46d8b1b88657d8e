package testutil

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// CheckGolden compares v, as indented JSON, with the golden file at path, or rewrites the
// file when update is set (the tests' -update flag).
func CheckGolden(t testing.TB, path string, v any, update bool) {
	t.Helper()
	got, err := json.MarshalIndent(v, "", "\t")
	if err != nil {
		t.Fatal(err)
	}
	got = append(got, '\n')
	if update {
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
		t.Errorf("%s differs from the output (go test -run Golden -update rewrites it):\n%s", path, lineDiff(string(want), string(got)))
	}
}

// lineDiff shows the first lines where want and got differ, with a little context.
func lineDiff(want, got string) string {
	w, g := strings.Split(want, "\n"), strings.Split(got, "\n")
	i := 0
	for i < len(w) && i < len(g) && w[i] == g[i] {
		i++
	}
	var b strings.Builder
	for j := i; j < i+8; j++ {
		if j < len(w) {
			b.WriteString("- " + w[j] + "\n")
		}
		if j < len(g) {
			b.WriteString("+ " + g[j] + "\n")
		}
	}
	return "at line " + strconv.Itoa(i+1) + ":\n" + b.String()
}

// RunGolden runs one subtest per input file dir/*.json (other than the golden files): build
// turns the input into a value, which CheckGolden compares with dir/<name>.golden.json. It
// fails when dir holds no input.
func RunGolden(t *testing.T, dir string, update bool, build func(t *testing.T, input string) any) {
	t.Helper()
	inputs, err := filepath.Glob(filepath.Join(dir, "*.json"))
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
			CheckGolden(t, filepath.Join(dir, name+".golden.json"), build(t, in), update)
		})
	}
	if n == 0 {
		t.Fatalf("no golden inputs in %s", dir)
	}
}
