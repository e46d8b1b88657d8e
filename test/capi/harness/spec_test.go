//go:build capi

package harness

import (
	"bufio"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"testing"

	"github.com/linuxhcs/hcs/internal/testutil"
)

// specSection returns the lines of HCS-API.md from the heading "## <from>." up to the heading
// "## <to>.".
func specSection(t *testing.T, from, to int) []string {
	t.Helper()
	b, err := os.ReadFile(testutil.SpecPath(t, "HCS-API.md"))
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	in := false
	for _, line := range strings.Split(string(b), "\n") {
		if strings.HasPrefix(line, "## ") {
			switch {
			case strings.HasPrefix(line, "## "+strconv.Itoa(from)+"."):
				in = true
			case strings.HasPrefix(line, "## "+strconv.Itoa(to)+"."):
				in = false
			}
		}
		if in {
			out = append(out, line)
		}
	}
	if len(out) == 0 {
		t.Fatalf("HCS-API.md has no section %d", from)
	}
	return out
}

var (
	headingFunc = regexp.MustCompile("^### (Hcs[A-Za-z]+)")
	tableFunc   = regexp.MustCompile("^\\| `(Hcs[A-Za-z]+)` \\| `([^`]*)`")
)

// specSignatures returns every function of the seed (§5-§10) with its C declaration: the
// code block under each "### Hcs..." heading of §5-§8, the signature column of the §9 and §10
// tables (§10 omits the return type, which is HRESULT WINAPI for every storage function).
func specSignatures(t *testing.T) map[string]string {
	sigs := map[string]string{}
	var current string
	var block []string
	inCode := false
	for _, line := range specSection(t, 5, 9) {
		switch {
		case headingFunc.MatchString(line):
			current = headingFunc.FindStringSubmatch(line)[1]
			sigs[current] = "" // a heading without a signature fails TestHeadersMatchSpec
		case strings.HasPrefix(line, "```c"):
			inCode, block = true, nil
		case strings.HasPrefix(line, "```") && inCode:
			inCode = false
			sigs[current] = strings.Join(block, " ")
		case inCode:
			block = append(block, line)
		}
	}
	for _, sec := range []int{9, 10} {
		for _, line := range specSection(t, sec, sec+1) {
			m := tableFunc.FindStringSubmatch(line)
			if m == nil {
				continue
			}
			sig := m[2]
			if !strings.Contains(sig, "WINAPI") {
				sig = "HRESULT WINAPI " + sig
			}
			sigs[m[1]] = sig
		}
	}
	if len(sigs) < 60 {
		t.Fatalf("found only %d functions in HCS-API.md §5-§10", len(sigs))
	}
	return sigs
}

var (
	cComment = regexp.MustCompile(`/\*.*?\*/`)
	spaces   = regexp.MustCompile(`\s+`)
	aroundP  = regexp.MustCompile(`\s*([*(),;])\s*`)
)

// normalize makes two spellings of one C declaration equal: comments, line breaks and the
// spaces around '*' and punctuation do not matter.
func normalize(decl string) string {
	decl = cComment.ReplaceAllString(decl, " ")
	decl = spaces.ReplaceAllString(strings.TrimSpace(decl), " ")
	decl = aroundP.ReplaceAllString(decl, "$1")
	return strings.TrimSuffix(decl, ";")
}

// headerDeclarations returns the function declarations of the public headers, by name.
func headerDeclarations(t *testing.T) map[string]string {
	decls := map[string]string{}
	name := regexp.MustCompile(`WINAPI\s*(\w+)\s*\(`)
	for _, h := range []string{"computecore.h", "computestorage.h"} {
		b, err := os.ReadFile(filepath.Join(moduleRoot, "include", h))
		if err != nil {
			t.Fatal(err)
		}
		var lines []string
		for _, line := range strings.Split(string(b), "\n") {
			if !strings.HasPrefix(strings.TrimSpace(line), "#") { // preprocessor lines
				lines = append(lines, line)
			}
		}
		text := cComment.ReplaceAllString(strings.Join(lines, " "), " ")
		for _, stmt := range strings.Split(text, ";") {
			if m := name.FindStringSubmatch(stmt); m != nil && strings.HasPrefix(m[1], "Hcs") {
				decl := stmt
				if i := strings.LastIndex(decl, "}"); i >= 0 { // after extern "C" {
					decl = decl[i+1:]
				}
				if i := strings.Index(decl, "{"); i >= 0 {
					decl = decl[i+1:]
				}
				decls[m[1]] = normalize(decl)
			}
		}
	}
	return decls
}

// TestHeadersMatchSpec: the headers declare exactly the functions of the specification, each
// with the specification's return type, parameter types and parameter names.
func TestHeadersMatchSpec(t *testing.T) {
	spec := specSignatures(t)
	decls := headerDeclarations(t)
	for fn, sig := range spec {
		got, ok := decls[fn]
		switch {
		case !ok:
			t.Errorf("%s is not declared in include/", fn)
		case got != normalize(sig):
			t.Errorf("%s:\n  header: %s\n  spec:   %s", fn, got, normalize(sig))
		}
	}
	for fn := range decls {
		if _, ok := spec[fn]; !ok {
			t.Errorf("include/ declares %s, which the specification does not", fn)
		}
	}
}

// TestExports: nm -D lists every function of the specification, and the two functions that
// free returned strings, as defined text symbols of the library.
func TestExports(t *testing.T) {
	lib := requireBin(t, "libcomputecore.so")
	out, err := exec.Command("nm", "-D", "--defined-only", lib).Output()
	if err != nil {
		t.Fatalf("nm -D %s: %v", lib, err)
	}
	exported := map[string]bool{}
	sc := bufio.NewScanner(strings.NewReader(string(out)))
	for sc.Scan() {
		if f := strings.Fields(sc.Text()); len(f) == 3 && f[1] == "T" {
			exported[f[2]] = true
		}
	}
	want := []string{"LocalFree", "CoTaskMemFree"}
	for fn := range specSignatures(t) {
		want = append(want, fn)
	}
	sort.Strings(want)
	var missing []string
	for _, fn := range want {
		if !exported[fn] {
			missing = append(missing, fn)
		}
	}
	if len(missing) > 0 {
		t.Fatalf("nm -D %s does not list %d functions: %s", lib, len(missing), strings.Join(missing, " "))
	}
	t.Logf("nm -D lists all %d functions", len(want))
}

var (
	valueRow  = regexp.MustCompile("^\\| `([A-Za-z_][A-Za-z0-9_]*)` \\| `?(-?(?:0x[0-9A-Fa-f]+|[0-9]+))`? \\|")
	valueSecs = [][2]int{{2, 3}, {3, 4}}
)

// specValues returns the named constants of §2 (operation types, event types and options)
// and §3 (HRESULTs) with their values.
func specValues(t *testing.T) map[string]int64 {
	vals := map[string]int64{}
	for _, s := range valueSecs {
		for _, line := range specSection(t, s[0], s[1]) {
			m := valueRow.FindStringSubmatch(line)
			if m == nil {
				continue
			}
			v, err := strconv.ParseInt(m[2], 0, 64)
			if err != nil {
				t.Fatalf("%s: %v", line, err)
			}
			vals[m[1]] = int64(int32(uint32(v))) // 32-bit values, negative above 0x7FFFFFFF
		}
	}
	if len(vals) < 80 {
		t.Fatalf("found only %d values in HCS-API.md §2-§3", len(vals))
	}
	return vals
}

// TestHeaderValuesMatchSpec compiles a C program that prints every constant of the
// specification's tables as the headers define it, and compares the values.
func TestHeaderValuesMatchSpec(t *testing.T) {
	vals := specValues(t)
	names := make([]string, 0, len(vals))
	for n := range vals {
		names = append(names, n)
	}
	sort.Strings(names)
	var src strings.Builder
	src.WriteString("#include <stdio.h>\n#include \"computecore.h\"\n#include \"computestorage.h\"\nint main(void) {\n")
	for _, n := range names {
		src.WriteString("\tprintf(\"" + n + " %lld\\n\", (long long)(int32_t)(" + n + "));\n")
	}
	src.WriteString("\treturn 0;\n}\n")
	dir := t.TempDir()
	c := filepath.Join(dir, "values.c")
	if err := os.WriteFile(c, []byte(src.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	prog := filepath.Join(dir, "values")
	if b, err := exec.Command("gcc", "-std=c11", "-Wall", "-Werror", "-I", filepath.Join(moduleRoot, "include"), "-o", prog, c).CombinedOutput(); err != nil {
		t.Fatalf("a constant of the specification is missing from the headers: %v\n%s", err, b)
	}
	out, err := exec.Command(prog).Output()
	if err != nil {
		t.Fatal(err)
	}
	for _, line := range strings.Split(strings.TrimSpace(string(out)), "\n") {
		f := strings.Fields(line)
		got, _ := strconv.ParseInt(f[1], 10, 64)
		if want := vals[f[0]]; got != want {
			t.Errorf("%s = %d (0x%08X) in the headers, %d (0x%08X) in the specification", f[0], got, uint32(got), want, uint32(want))
		}
	}
	t.Logf("%d constants checked", len(names))
}
