package archtest

import (
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/linuxhcs/hcs/internal/testutil"
)

// TestDocComments holds the house rule that every package and every exported name has a doc
// comment. It reads the source of every non-test package in the module.
func TestDocComments(t *testing.T) {
	root := testutil.ModuleRoot(t)
	dirs, err := goDirs(root)
	if err != nil {
		t.Fatal(err)
	}
	var bad []string
	for _, dir := range dirs {
		bad = append(bad, undocumented(t, root, dir)...)
	}
	report(t, "missing doc comments", bad)
}

// goDirs lists the directories under root that hold Go source, skipping testdata, hidden and
// underscore directories, and nested modules.
func goDirs(root string) ([]string, error) {
	seen := map[string]bool{}
	err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		name := d.Name()
		if d.IsDir() {
			if path != root && (name == "testdata" || strings.HasPrefix(name, ".") || strings.HasPrefix(name, "_") || fileExists(filepath.Join(path, "go.mod"))) {
				return filepath.SkipDir
			}
			return nil
		}
		if strings.HasSuffix(name, ".go") && !strings.HasSuffix(name, "_test.go") {
			seen[filepath.Dir(path)] = true
		}
		return nil
	})
	return sortedKeys(seen), err
}

func fileExists(path string) bool {
	_, err := os.Stat(path)
	return err == nil
}

// undocumented parses the non-test files of one directory and lists what lacks a doc comment.
func undocumented(t *testing.T, root, dir string) []string {
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	fset := token.NewFileSet()
	var bad []string
	hasDoc := map[string]bool{} // by package name: a directory may hold a //go:build ignore main
	for _, e := range entries {
		name := e.Name()
		if e.IsDir() || !strings.HasSuffix(name, ".go") || strings.HasSuffix(name, "_test.go") {
			continue
		}
		f, err := parser.ParseFile(fset, filepath.Join(dir, name), nil, parser.ParseComments)
		if err != nil {
			bad = append(bad, fmt.Sprintf("%s: %v", relPath(root, filepath.Join(dir, name)), err))
			continue
		}
		pkg := f.Name.Name
		hasDoc[pkg] = hasDoc[pkg] || f.Doc != nil || ast.IsGenerated(f)
		if ast.IsGenerated(f) {
			continue
		}
		for _, miss := range undocumentedDecls(f) {
			pos := fset.Position(miss.pos)
			bad = append(bad, fmt.Sprintf("%s:%d: %s", relPath(root, pos.Filename), pos.Line, miss.what))
		}
	}
	for _, pkg := range sortedKeys(hasDoc) {
		if !hasDoc[pkg] {
			bad = append(bad, fmt.Sprintf("%s: package %s has no package doc comment", relPath(root, dir), pkg))
		}
	}
	return bad
}

type missing struct {
	pos  token.Pos
	what string
}

// undocumentedDecls lists the exported top-level names of f without a doc comment: funcs,
// methods on exported types, types, consts and vars. A name declared in a parenthesised group
// counts as documented when the group has a comment or its own line does.
func undocumentedDecls(f *ast.File) []missing {
	var out []missing
	for _, decl := range f.Decls {
		switch d := decl.(type) {
		case *ast.FuncDecl:
			if d.Doc != nil || !d.Name.IsExported() {
				continue
			}
			if d.Recv == nil {
				out = append(out, missing{d.Pos(), "func " + d.Name.Name})
			} else if recv := receiverType(d.Recv); ast.IsExported(recv) {
				out = append(out, missing{d.Pos(), "method " + recv + "." + d.Name.Name})
			}
		case *ast.GenDecl:
			if d.Doc != nil || d.Tok == token.IMPORT {
				continue
			}
			for _, spec := range d.Specs {
				for _, name := range specNames(spec) {
					if name.IsExported() && !specDocumented(d, spec) {
						out = append(out, missing{name.Pos(), d.Tok.String() + " " + name.Name})
					}
				}
			}
		}
	}
	return out
}

func specNames(spec ast.Spec) []*ast.Ident {
	switch s := spec.(type) {
	case *ast.TypeSpec:
		return []*ast.Ident{s.Name}
	case *ast.ValueSpec:
		return s.Names
	}
	return nil
}

func specDocumented(d *ast.GenDecl, spec ast.Spec) bool {
	switch s := spec.(type) {
	case *ast.TypeSpec:
		return s.Doc != nil || (d.Lparen.IsValid() && s.Comment != nil)
	case *ast.ValueSpec:
		return s.Doc != nil || (d.Lparen.IsValid() && s.Comment != nil)
	}
	return true
}

// receiverType returns the name of a method's receiver type, without pointer or type
// parameters.
func receiverType(recv *ast.FieldList) string {
	if len(recv.List) == 0 {
		return ""
	}
	expr := recv.List[0].Type
	for {
		switch e := expr.(type) {
		case *ast.StarExpr:
			expr = e.X
		case *ast.IndexExpr:
			expr = e.X
		case *ast.IndexListExpr:
			expr = e.X
		case *ast.ParenExpr:
			expr = e.X
		case *ast.Ident:
			return e.Name
		default:
			return ""
		}
	}
}

func relPath(root, path string) string {
	if r, err := filepath.Rel(root, path); err == nil {
		return r
	}
	return path
}
