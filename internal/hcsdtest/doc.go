// Package hcsdtest starts an isolated hcsd for the module's end-to-end tests: built from
// this checkout, with its own socket, state directory, runtime root, agent socket directory
// and cgroup parent, so no test touches the machine's own service or another test's.
//
// NewDaemon chooses the directories and writes the config file (the same file a private
// hcsd of hcsdiag reads, through HCSDIAG_HCSD_CONFIG); Start runs hcsd and waits until it
// answers; Stop and Kill end it; Close stops it, lists what it left on the host (runtime
// containers, mounts under its directories, cgroups) and removes its directories. New does
// the same for one test, reporting through testing.TB. The package is used only by tests.
package hcsdtest
