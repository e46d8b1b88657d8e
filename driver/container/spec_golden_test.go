package container

import (
	"bytes"
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"reflect"
	"runtime"
	"testing"

	specs "github.com/opencontainers/runtime-spec/specs-go"

	"github.com/linuxhcs/hcs/internal/testutil"
)

// update rewrites the golden files from the current output: go test -run Golden -update.
var update = flag.Bool("update", false, "rewrite testdata/*.golden.json from the current output")

// seccompGolden holds the default profile once, so that each spec golden file stays readable.
const seccompGolden = "seccomp.golden.json"

// seccompPlaceholder stands in a spec golden file for a profile equal to DefaultSeccomp().
const seccompPlaceholder = "(DefaultSeccomp, see " + seccompGolden + ")"

// TestGoldenSpecs translates every testdata/*.json input (a SpecInput) and compares the spec
// with testdata/<name>.golden.json. A spec's seccomp profile must equal DefaultSeccomp(); the
// golden file shows a placeholder for it and seccomp.golden.json shows the profile.
func TestGoldenSpecs(t *testing.T) {
	skipUnlessAMD64(t)
	testutil.RunGolden(t, "testdata", *update, func(t *testing.T, in string) any { return buildGolden(t, in) })
}

// TestGoldenSeccomp pins the default seccomp profile.
func TestGoldenSeccomp(t *testing.T) {
	skipUnlessAMD64(t)
	checkGolden(t, filepath.Join("testdata", seccompGolden), DefaultSeccomp())
}

// skipUnlessAMD64 skips on other architectures: the profile's ABIs differ there.
func skipUnlessAMD64(t *testing.T) {
	t.Helper()
	if runtime.GOARCH != "amd64" {
		t.Skipf("golden files hold the amd64 seccomp ABIs; this is %s", runtime.GOARCH)
	}
}

// buildGolden reads a SpecInput from path, builds its spec and swaps the default seccomp
// profile for the placeholder.
func buildGolden(t *testing.T, path string) *specs.Spec {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var in SpecInput
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&in); err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	spec, err := BuildSpec(in)
	if err != nil {
		t.Fatalf("BuildSpec: %v", err)
	}
	if sc := spec.Linux.Seccomp; sc != nil {
		if !reflect.DeepEqual(sc, DefaultSeccomp()) {
			t.Fatal("the spec's seccomp profile differs from DefaultSeccomp()")
		}
		spec.Linux.Seccomp = &specs.LinuxSeccomp{DefaultAction: seccompPlaceholder}
	}
	return spec
}

// checkGolden compares v with the golden file, or rewrites the file with -update.
func checkGolden(t *testing.T, golden string, v any) {
	t.Helper()
	testutil.CheckGolden(t, golden, v, *update)
}
