package durable

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestWriteFileReplacesTheContentAndLeavesNoTemporaryFile(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "record.json")
	for _, content := range []string{"first", "second, longer than the first", "3"} {
		if err := WriteFile(path, []byte(content), 0o640); err != nil {
			t.Fatal(err)
		}
		b, err := os.ReadFile(path)
		if err != nil || string(b) != content {
			t.Fatalf("read %q, %v; want %q", b, err, content)
		}
	}
	st, err := os.Stat(path)
	if err != nil || st.Mode().Perm() != 0o640 {
		t.Fatalf("mode %v, %v; want 0640", st.Mode(), err)
	}
	onlyFiles(t, dir, "record.json")
}

func TestWriteJSON(t *testing.T) {
	path := filepath.Join(t.TempDir(), "state.json")
	if err := WriteJSON(path, map[string]int{"Pid": 7}, 0o600); err != nil {
		t.Fatal(err)
	}
	if b, _ := os.ReadFile(path); string(b) != `{"Pid":7}` {
		t.Fatalf("wrote %q", b)
	}
}

func TestWriteJSONThatCannotBeEncodedWritesNothing(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "state.json")
	err := WriteJSON(path, map[string]any{"C": make(chan int)}, 0o600)
	var pe *fs.PathError
	if !errors.As(err, &pe) || pe.Op != "encode" || pe.Path != path {
		t.Fatalf("WriteJSON(chan) = %v, want an encode error naming %s", err, path)
	}
	onlyFiles(t, dir)
}

func TestWriteFileErrorNamesThePathAndKeepsTheCause(t *testing.T) {
	dir := t.TempDir()
	missing := filepath.Join(dir, "gone", "record.json")
	err := WriteFile(missing, []byte("x"), 0o600)
	if !errors.Is(err, fs.ErrNotExist) || !strings.Contains(err.Error(), missing) {
		t.Fatalf("WriteFile into a missing directory = %v", err)
	}

	// The target is a non-empty directory: the rename fails after the temporary file was
	// written, and that file must not be left behind.
	target := filepath.Join(dir, "busy")
	if err := os.MkdirAll(filepath.Join(target, "child"), 0o700); err != nil {
		t.Fatal(err)
	}
	err = WriteFile(target, []byte("x"), 0o600)
	var pe *fs.PathError
	if !errors.As(err, &pe) || pe.Op != "rename" || pe.Path != target {
		t.Fatalf("WriteFile over a directory = %v, want a rename error naming %s", err, target)
	}
	if strings.Contains(err.Error(), ".tmp-") {
		t.Fatalf("the error %q names the temporary file", err)
	}
	onlyFiles(t, dir, "busy")
}

// onlyFiles fails the test unless dir holds exactly the entries named.
func onlyFiles(t *testing.T, dir string, names ...string) {
	t.Helper()
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, e := range entries {
		got = append(got, e.Name())
	}
	if strings.Join(got, ",") != strings.Join(names, ",") {
		t.Fatalf("%s holds %v, want %v", dir, got, names)
	}
}
