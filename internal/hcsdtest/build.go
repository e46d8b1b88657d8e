package hcsdtest

import (
	"fmt"
	"os"
	"os/exec"

	"github.com/linuxhcs/hcs/internal/testutil"
)

// Binary is a command of this module a test may need built.
type Binary string

// The binaries: hcsd, the agent it runs in containers (found next to hcsd), and hcsdiag.
const (
	Hcsd    Binary = "hcsd"
	Agent   Binary = "hcs-agent"
	Hcsdiag Binary = "hcsdiag"
)

// RaceEnv names the environment variable that, set to 1, makes Build build hcsd and
// hcsdiag with the race detector (the agent runs without cgo, which the detector needs): the
// fault suite runs its services so, and fails on any race they report (RacesIn).
const RaceEnv = "HCSDTEST_RACE"

// Build builds the binaries into dir, as make does into bin/: the agent static (without
// cgo), the others with cgo.
func Build(dir string, bins ...Binary) error {
	root, err := moduleRoot()
	if err != nil {
		return err
	}
	for _, b := range bins {
		pkg, cgo := "./cmd/"+string(b), "1"
		if b == Agent {
			cgo = "0"
		}
		args := []string{"build", "-o", dir}
		if cgo == "1" && os.Getenv(RaceEnv) == "1" {
			args = append(args, "-race")
		}
		cmd := exec.Command("go", append(args, pkg)...)
		cmd.Dir = root
		cmd.Env = append(os.Environ(), "CGO_ENABLED="+cgo)
		if out, err := cmd.CombinedOutput(); err != nil {
			return fmt.Errorf("go build %s: %v\n%s", pkg, err, out)
		}
	}
	return nil
}

// moduleRoot returns the directory of the module's go.mod, above the working directory (go
// test runs each test in its package's directory).
func moduleRoot() (string, error) {
	wd, err := os.Getwd()
	if err != nil {
		return "", err
	}
	return testutil.FindModuleRoot(wd)
}
