package container

import "os/exec"

// lookPath is exec.LookPath, named for the driver's search of its helper binaries.
func lookPath(name string) (string, error) { return exec.LookPath(name) }
