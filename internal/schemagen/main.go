// Command schemagen generates the Go types of package schema from the type
// catalog (§10.1 enumerations, §10.2 structures) of HCS-SCHEMA.md.
//
// Usage:
//
//	schemagen -spec path/to/HCS-SCHEMA.md -out path/to/zz_generated.go
package main

import (
	"flag"
	"fmt"
	"os"
)

func main() {
	spec := flag.String("spec", "", "path of HCS-SCHEMA.md")
	out := flag.String("out", "", "path of the Go file to write")
	flag.Parse()
	if *spec == "" || *out == "" {
		fmt.Fprintln(os.Stderr, "usage: schemagen -spec HCS-SCHEMA.md -out zz_generated.go")
		os.Exit(2)
	}
	if err := run(*spec, *out); err != nil {
		fmt.Fprintln(os.Stderr, "schemagen:", err)
		os.Exit(1)
	}
}

// run generates out from spec.
func run(spec, out string) error {
	src, err := os.ReadFile(spec)
	if err != nil {
		return err
	}
	code, err := GenerateFromSpec(string(src))
	if err != nil {
		return err
	}
	return os.WriteFile(out, code, 0o644)
}

// GenerateFromSpec parses the spec text and returns the generated source.
func GenerateFromSpec(src string) ([]byte, error) {
	c, err := Parse(src)
	if err != nil {
		return nil, err
	}
	return Generate(c)
}
