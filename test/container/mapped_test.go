package container_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/linuxhcs/hcs/schema"
)

func TestMappedDirectories(t *testing.T) {
	forEachRuntime(t, func(t *testing.T, e *env) {
		rw, ro := t.TempDir(), t.TempDir()
		if err := os.WriteFile(filepath.Join(rw, "from-host"), []byte("written on the host\n"), 0o644); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(ro, "readable"), []byte("read-only but readable\n"), 0o644); err != nil {
			t.Fatal(err)
		}
		doc := busybox(t, func(c *schema.Container) {
			c.MappedDirectories = []schema.MappedDirectory{
				{HostPath: rw, ContainerPath: "/data"},
				{HostPath: ro, ContainerPath: "/ro", ReadOnly: true},
			}
		})
		sys := e.start("mapped-"+e.runtime, doc)

		if out := mustRun(t, sys, "cat /data/from-host"); out != "written on the host\n" {
			t.Errorf("host file read in the container: %q", out)
		}
		mustRun(t, sys, "echo written in the container > /data/from-container")
		if b, err := os.ReadFile(filepath.Join(rw, "from-container")); err != nil || string(b) != "written in the container\n" {
			t.Errorf("container file seen on the host: %q, %v", b, err)
		}

		if out := mustRun(t, sys, "cat /ro/readable"); out != "read-only but readable\n" {
			t.Errorf("read-only directory read in the container: %q", out)
		}
		out, errOut, code := run(t, sys, "echo x > /ro/new")
		if code == 0 || !strings.Contains(errOut, "Read-only file system") {
			t.Errorf("writing in a read-only mapped directory: exit code %d, stdout %q, stderr %q; want a failure with \"Read-only file system\"", code, out, errOut)
		}
		if pathExists(filepath.Join(ro, "new")) {
			t.Error("the write to the read-only directory reached the host")
		}
		// Existing files cannot be changed or removed either.
		if _, _, code := run(t, sys, "rm /ro/readable || echo y >> /ro/readable"); code == 0 {
			t.Error("a file in the read-only directory could be removed or appended to")
		}
		if b, _ := os.ReadFile(filepath.Join(ro, "readable")); string(b) != "read-only but readable\n" {
			t.Errorf("the host file behind the read-only directory changed: %q", b)
		}
	})
}
