package schema

import (
	"os"
	"path/filepath"
	"testing"
)

// sharedDir is where the spec and research files live relative to this package: CI
// clones the repository next to a copy of shared/.
const sharedDir = "../../shared"

// sharedFile returns the contents of a file under sharedDir. When the file is missing the
// test is skipped, except under CI=true, where that is a failure.
func sharedFile(t testing.TB, rel string) (string, []byte) {
	t.Helper()
	p := filepath.Join(sharedDir, rel)
	b, err := os.ReadFile(p)
	if err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("%s is required in CI: %v", p, err)
		}
		t.Skipf("%s not available (%v); clone the repository next to shared/ to run this test", p, err)
	}
	return p, b
}
