package main

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/linuxhcs/hcs/internal/hcsdtest"
	"github.com/linuxhcs/hcs/internal/testlayer"
)

// The end-to-end tests run the real hcsdiag, built with hcsd and hcs-agent into one
// directory as make does into bin/, against a real hcsd whose socket, state, runtime root,
// cgroup and agent sockets are the test's own. They need root; the daemon is started once
// for the package (daemon), and TestMain checks that nothing is left on the host.
var (
	binDir string   // hcsdiag, hcsd, hcs-agent
	daemon *hcsdRun // nil when not root
	layer  string   // a busybox root filesystem (internal/testlayer)
)

const e2eTimeout = hcsdtest.Timeout

func TestMain(m *testing.M) {
	code := 1
	if err := setUp(); err != nil {
		fmt.Fprintln(os.Stderr, "setting up:", err)
	} else {
		code = m.Run()
	}
	if left := tearDown(); len(left) > 0 {
		fmt.Fprintf(os.Stderr, "the host was left changed:\n  %s\n", strings.Join(left, "\n  "))
		code = 1
	}
	os.Exit(code)
}

func setUp() error {
	if os.Geteuid() != 0 {
		return nil // the end-to-end tests skip (testutil.RequireRoot)
	}
	var err error
	if binDir, err = buildBinaries(); err != nil {
		return err
	}
	if layer, err = testlayer.Busybox(); err != nil {
		return err
	}
	daemon, err = startDaemon("main")
	return err
}

// buildBinaries builds the three binaries into a new directory that other users may read,
// so hcsdiag can also be run as nobody.
func buildBinaries() (string, error) {
	dir, err := os.MkdirTemp("", "hcsdiag-test-bin-")
	if err != nil {
		return "", err
	}
	os.Chmod(dir, 0o755)
	return dir, hcsdtest.Build(dir, hcsdtest.Hcsdiag, hcsdtest.Hcsd, hcsdtest.Agent)
}

// hcsdRun is one isolated hcsd (internal/hcsdtest). Its config file is also what a private
// hcsd of hcsdiag uses (HCSDIAG_HCSD_CONFIG), so no test ever reaches the machine's own
// /var/lib/hcs or /run/hcs.
type hcsdRun struct {
	*hcsdtest.Daemon
}

// newHcsdRun chooses the directories of a service named name; it does not start it.
func newHcsdRun(name string) (*hcsdRun, error) {
	d, err := hcsdtest.NewDaemon(hcsdtest.Options{Bin: binDir, Name: name})
	if err != nil {
		return nil, err
	}
	return &hcsdRun{d}, nil
}

func startDaemon(name string) (*hcsdRun, error) {
	d, err := newHcsdRun(name)
	if err != nil {
		return nil, err
	}
	if err := d.Start(); err != nil {
		d.Close()
		return nil, err
	}
	return d, nil
}

// leftovers stops the service, lists what it left behind, then removes its directories.
func (d *hcsdRun) leftovers() []string { return d.Close() }

func tearDown() []string {
	var left []string
	if daemon != nil {
		left = append(left, daemon.leftovers()...)
	}
	if runs, _ := filepath.Glob(filepath.Join(os.TempDir(), "hcsdiag-run-*")); len(runs) > 0 {
		left = append(left, fmt.Sprintf("writable layers of hcsdiag run: %v", runs))
	}
	if binDir != "" {
		os.RemoveAll(binDir)
	}
	testlayer.Cleanup()
	return left
}
