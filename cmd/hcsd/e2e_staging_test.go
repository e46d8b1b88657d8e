package main

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/linuxhcs/hcs/internal/testutil"
)

// An import that hcsd's death interrupts leaves its staging folder beside the layer; the next
// hcsd removes it when it starts, touching nothing else there, and the import then succeeds.
func TestHcsdRemovesTheStagingOfAnImportItDiedIn(t *testing.T) {
	testutil.RequireRoot(t)
	d := newDaemonRun(t, buildBinaries(t), "runc")
	base := t.TempDir()
	src := manyFiles(t, filepath.Join(base, "src"), 40, 500)
	layers := filepath.Join(base, "layers")
	mustMkdir(t, layers)
	layer := filepath.Join(layers, "l")
	// Not staging folders of this hcsd's: a name it never makes, and another layer's folder.
	bystanders := []string{filepath.Join(layers, ".l.hcs-staging-notmine"), filepath.Join(layers, "other")}
	for _, p := range bystanders {
		mustMkdir(t, p)
	}

	d.start(t)
	c := d.dial(t)
	ctx, cancel := context.WithTimeout(context.Background(), e2eTimeout)
	defer cancel()
	imported := make(chan error, 1)
	go func() { imported <- c.ImportLayer(ctx, layer, src, "") }()
	staging := awaitStaging(t, layers, imported)
	d.Kill()
	if _, err := os.Stat(staging); err != nil {
		t.Fatalf("the killed import left no staging folder to test with: %v", err)
	}

	d.start(t)
	if left, _ := filepath.Glob(filepath.Join(layers, ".l.hcs-staging-????????")); len(left) > 0 {
		t.Errorf("staging folders left after the restart: %v", left)
	}
	for _, p := range bystanders {
		if _, err := os.Stat(p); err != nil {
			t.Errorf("the restart removed %s: %v", p, err)
		}
	}
	if err := d.dial(t).ImportLayer(ctx, layer, src, ""); err != nil {
		t.Fatalf("the import after the restart: %v", err)
	}
	if records, _ := os.ReadDir(filepath.Join(d.StateDir, "staging")); len(records) > 0 {
		t.Errorf("staging records left: %v", records)
	}
	d.stop(t)
}

// awaitStaging returns the staging folder of the import under way in layers, as soon as it
// appears.
func awaitStaging(t *testing.T, layers string, imported <-chan error) string {
	t.Helper()
	deadline := time.Now().Add(e2eTimeout)
	for time.Now().Before(deadline) {
		if found, _ := filepath.Glob(filepath.Join(layers, ".l.hcs-staging-????????")); len(found) == 1 {
			return found[0]
		}
		select {
		case err := <-imported:
			t.Fatalf("the import ended (%v) before its staging folder was seen", err)
		case <-time.After(time.Millisecond):
		}
	}
	t.Fatal("no staging folder appeared")
	return ""
}

// manyFiles makes an extracted layer of dirs directories of files small files each, big
// enough that its import takes a while.
func manyFiles(t *testing.T, root string, dirs, files int) string {
	t.Helper()
	for i := range dirs {
		dir := filepath.Join(root, fmt.Sprintf("d%d", i))
		mustMkdir(t, dir)
		for j := range files {
			if err := os.WriteFile(filepath.Join(dir, fmt.Sprintf("f%d", j)), []byte("some content"), 0o644); err != nil {
				t.Fatal(err)
			}
		}
	}
	return root
}

func mustMkdir(t *testing.T, dir string) {
	t.Helper()
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
}
