package archtest

import (
	"go/parser"
	"go/token"
	"reflect"
	"strings"
	"testing"
)

// The rule checks must catch what they are meant to catch, not only pass on a clean tree.
func TestImportViolationsCatches(t *testing.T) {
	dep := func(p string) string { return module + "/" + p }
	pkgs := map[string]*pkg{
		"client":             {Deps: []string{"fmt", dep("wire"), dep("host/server")}},
		"clientele":          {Deps: []string{dep("host")}}, // only a name prefix of client
		"cmd/hcsdiag":        {Deps: []string{dep("client"), dep("storage")}},
		"driver/container":   {Deps: []string{dep("driver"), dep("storage"), dep("host")}},
		"driver":             {Deps: []string{dep("schema")}},
		"hresult":            {Deps: []string{"fmt", "golang.org/x/sys/unix"}},
		"schema":             {Deps: []string{"encoding/json"}},
		"host":               {Deps: []string{dep("driver"), dep("storage")}},
		"cmd/libcomputecore": {Deps: []string{dep("client")}},
	}
	std := map[string]bool{"fmt": true, "encoding/json": true}
	got := importViolations(pkgs, std)
	want := []string{
		"client imports host/server",
		"cmd/hcsdiag imports storage",
		"driver/container imports host",
		"hresult imports golang.org/x/sys/unix",
	}
	if len(got) != len(want) {
		t.Fatalf("violations:\n%s\nwant %d like %q", strings.Join(got, "\n"), len(want), want)
	}
	for i := range want {
		if !strings.HasPrefix(got[i], want[i]+" (") {
			t.Errorf("violation %d = %q, want %q (reason)", i, got[i], want[i])
		}
	}
}

func TestUndocumentedDeclsCatches(t *testing.T) {
	const src = `// Package p is documented.
package p

// Documented does something.
func Documented() {}

func Bare() {}

func unexported() {}

// T is documented.
type T struct{}

func (T) Method() {}

func (*T) PtrMethod() {}

func (t T) unexported() {}

type hidden struct{}

func (hidden) Exported() {}

type G[K any] struct{}

func (g *G[K]) Get() {}

// Grouped consts are documented by the group comment.
const (
	A = 1
	B = 2
)

const (
	// C has its own comment.
	C = 3
	D = 4 // D has a line comment.
	E = 5
	e = 6
)

var V, W int

// X is documented.
var X int

type (
	// Y is documented.
	Y int
	Z int
)
`
	fset := token.NewFileSet()
	f, err := parser.ParseFile(fset, "p.go", src, parser.ParseComments)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, m := range undocumentedDecls(f) {
		got = append(got, m.what)
	}
	want := []string{"func Bare", "method T.Method", "method T.PtrMethod", "type G", "method G.Get",
		"const E", "var V", "var W", "type Z"}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("undocumented = %q\nwant %q", got, want)
	}
}
