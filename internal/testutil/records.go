package testutil

import (
	"encoding/json"
	"os"
	"path/filepath"
	"testing"
)

// ContainerRecord is what the container driver records of one container in driver.json and
// tests read: the name its runtime knows it by and its init's pid (0 before it started).
type ContainerRecord struct {
	RuntimeID string
	Pid       int
}

// ReadContainerRecord reads the container driver's record in a system's state directory
// (the service's state directory, "systems", the system's id), failing the test when there
// is none or it names no runtime container.
func ReadContainerRecord(t testing.TB, systemDir string) ContainerRecord {
	t.Helper()
	var rec ContainerRecord
	b, err := os.ReadFile(filepath.Join(systemDir, "driver.json"))
	if err == nil {
		err = json.Unmarshal(b, &rec)
	}
	if err != nil || rec.RuntimeID == "" {
		t.Fatalf("the container record in %s: %v (driver.json %s)", systemDir, err, b)
	}
	return rec
}

// Spoil overwrites path with content, or removes it when content is "-": how tests damage
// the service's records while it is down.
func Spoil(t testing.TB, path, content string) {
	t.Helper()
	var err error
	if content == "-" {
		err = os.Remove(path)
	} else {
		err = os.WriteFile(path, []byte(content), 0o600)
	}
	if err != nil {
		t.Fatalf("spoiling %s: %v", path, err)
	}
}
