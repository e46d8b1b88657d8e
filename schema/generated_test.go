package schema

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"testing"
)

// TestGeneratedUpToDate regenerates the types from the spec and compares them with the
// committed zz_generated.go.
func TestGeneratedUpToDate(t *testing.T) {
	spec, _ := sharedFile(t, "spec/HCS-SCHEMA.md")
	out := filepath.Join(t.TempDir(), "zz_generated.go")
	cmd := exec.Command(goTool(), "run", "../internal/schemagen", "-spec", spec, "-out", out)
	if msg, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("schemagen failed: %v\n%s", err, msg)
	}
	want, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	got, err := os.ReadFile("zz_generated.go")
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, want) {
		t.Fatal("zz_generated.go is out of date with the spec; run go generate ./schema")
	}
}

// goTool returns the go command of the running toolchain.
func goTool() string {
	p := filepath.Join(runtime.GOROOT(), "bin", "go")
	if _, err := os.Stat(p); err == nil {
		return p
	}
	return "go"
}
