package archtest

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"os"
	"os/exec"
	"sort"
	"strings"
	"testing"

	"github.com/linuxhcs/hcs/internal/testutil"
)

const module = "github.com/linuxhcs/hcs"

// pkg is the part of `go list -json` output the rules read.
type pkg struct {
	ImportPath string
	Standard   bool
	Deps       []string
	CgoFiles   []string
	Module     *struct{ Path string }
}

// modulePackages lists the module's packages with `go list -deps`, keyed by import path
// relative to the module ("client", "cmd/hcsdiag"), plus the set of standard-library paths.
// Packages that do not build still appear (-e), so one broken package does not hide the
// rules for the others.
func modulePackages(t *testing.T) (map[string]*pkg, map[string]bool) {
	cmd := exec.Command("go", "list", "-e", "-deps", "-json=ImportPath,Standard,Deps,CgoFiles,Module", "./...")
	cmd.Dir = testutil.ModuleRoot(t)
	cmd.Env = append(os.Environ(), "CGO_ENABLED=1") // so cgo files are listed as such
	cmd.Stderr = os.Stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("go list: %v", err)
	}
	mine, std := map[string]*pkg{}, map[string]bool{}
	dec := json.NewDecoder(bytes.NewReader(out))
	for {
		p := new(pkg)
		if err := dec.Decode(p); errors.Is(err, io.EOF) {
			break
		} else if err != nil {
			t.Fatalf("go list output: %v", err)
		}
		switch {
		case p.Standard:
			std[p.ImportPath] = true
		case p.Module != nil && p.Module.Path == module:
			mine[rel(p.ImportPath)] = p
		}
	}
	if len(mine) == 0 {
		t.Fatal("go list found no packages of the module")
	}
	return mine, std
}

// rel turns a module import path into its path inside the module ("" for the root).
func rel(importPath string) string {
	return strings.TrimPrefix(strings.TrimPrefix(importPath, module), "/")
}

func TestImportRules(t *testing.T) {
	pkgs, std := modulePackages(t)
	report(t, "import rules broken", importViolations(pkgs, std))
}

// importRules: packages matching from must not depend, even indirectly, on the module
// packages under forbid.
var importRules = []struct {
	from    []string
	forbid  []string
	because string
}{
	{[]string{"client", "cmd/hcsdiag"}, []string{"host", "driver", "storage"},
		"the client and hcsdiag reach the service only through the wire contract"},
	{[]string{"driver"}, []string{"host"},
		"back-ends never import the host core that drives them"},
}

// stdlibOnly lists the packages (with their subpackages) that may import nothing but the
// standard library.
var stdlibOnly = []string{"hresult", "schema"}

func importViolations(pkgs map[string]*pkg, std map[string]bool) []string {
	var bad []string
	for _, name := range sortedKeys(pkgs) {
		p := pkgs[name]
		for _, r := range importRules {
			if !underAny(name, r.from) {
				continue
			}
			for _, dep := range p.Deps {
				if strings.HasPrefix(dep, module+"/") && underAny(rel(dep), r.forbid) {
					bad = append(bad, name+" imports "+rel(dep)+" ("+r.because+")")
				}
			}
		}
		if underAny(name, stdlibOnly) {
			for _, dep := range p.Deps {
				if !std[dep] {
					bad = append(bad, name+" imports "+dep+" (it may import only the standard library)")
				}
			}
		}
	}
	return bad
}

// underAny reports whether the module-relative path p is one of dirs or inside one.
func underAny(p string, dirs []string) bool {
	for _, d := range dirs {
		if p == d || strings.HasPrefix(p, d+"/") {
			return true
		}
	}
	return false
}

func TestCgoOnlyInLibcomputecore(t *testing.T) {
	pkgs, _ := modulePackages(t)
	var bad []string
	for _, name := range sortedKeys(pkgs) {
		if files := pkgs[name].CgoFiles; len(files) > 0 && name != "cmd/libcomputecore" {
			bad = append(bad, name+" uses cgo in "+strings.Join(files, ", "))
		}
	}
	report(t, "cgo outside cmd/libcomputecore", bad)
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

// report fails the test once, listing every offender on its own line.
func report(t *testing.T, what string, offenders []string) {
	t.Helper()
	if len(offenders) > 0 {
		t.Errorf("%s (%d):\n\t%s", what, len(offenders), strings.Join(offenders, "\n\t"))
	}
}
