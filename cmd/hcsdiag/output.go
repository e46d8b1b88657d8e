package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"text/tabwriter"

	"github.com/linuxhcs/hcs/hresult"
	"github.com/linuxhcs/hcs/schema"
)

// printJSON writes a JSON document indented by two spaces, with a final newline.
func printJSON(w io.Writer, doc string) error {
	var b bytes.Buffer
	if err := json.Indent(&b, []byte(doc), "", "  "); err != nil {
		return hresult.Wrap(err, hresult.HCS_E_INVALID_JSON, "the service's answer")
	}
	b.WriteByte('\n')
	_, err := w.Write(b.Bytes())
	return err
}

// printValue writes v as indented JSON.
func printValue(w io.Writer, v any) error {
	b, err := json.MarshalIndent(v, "", "  ")
	if err != nil {
		return err
	}
	_, err = fmt.Fprintf(w, "%s\n", b)
	return err
}

// mustJSON encodes v, which cannot fail for the plain documents hcsdiag builds.
func mustJSON(v any) string {
	b, err := json.Marshal(v)
	if err != nil {
		panic(err)
	}
	return string(b)
}

// newTable returns a writer for aligned columns; call Flush at the end.
func newTable(w io.Writer) *tabwriter.Writer {
	return tabwriter.NewWriter(w, 0, 8, 3, ' ', 0)
}

// readDocument reads a JSON document from the file path, or from stdin when path is empty
// or "-". A terminal on stdin is refused rather than waited on.
func readDocument(e *env, path, what string) (string, error) {
	var r io.Reader
	name := path
	if path == "" || path == "-" {
		if isTerminal(int(e.stdin.Fd())) {
			return "", usagef("give the %s document as a FILE, or pipe it on stdin", what)
		}
		r, name = e.stdin, "stdin"
	} else {
		f, err := os.Open(path)
		if err != nil {
			return "", annotate(err, "reading the "+what+" document")
		}
		defer f.Close()
		r = f
	}
	b, err := io.ReadAll(io.LimitReader(r, schema.MaxDocumentSize+1))
	if err != nil {
		return "", annotate(err, "reading "+name)
	}
	if len(b) > schema.MaxDocumentSize {
		return "", hresult.Errorf(hresult.HCS_E_INVALID_JSON, "%s: the %s document is larger than %d bytes", name, what, schema.MaxDocumentSize)
	}
	if err := schema.CheckSyntax(b); err != nil {
		return "", hresult.Wrap(err, hresult.HCS_E_INVALID_JSON, name)
	}
	return string(b), nil
}

// jsonArg returns the value of an option that passes a small JSON document on the command
// line, after checking that it is one.
func jsonArg(p *parsed, name string) (string, error) {
	s := p.str(name)
	if s != "" && !json.Valid([]byte(s)) {
		return "", usagef("--%s: not a valid JSON document: %s", name, s)
	}
	return s, nil
}
