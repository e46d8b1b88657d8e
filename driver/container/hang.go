package container

import "os"

// HangEnv names the environment variable that makes the driver stop for good at a named
// step. Tests that kill the service in the middle of an operation set it, so the kill lands
// at a known point rather than wherever a timer happens to fall. It is never set in service.
const HangEnv = "HCS_CONTAINER_HANG_AT"

// Steps HangEnv can name.
const (
	// HangAfterRuntimeRun is after the runtime ran the container and before its init is
	// recorded.
	HangAfterRuntimeRun = "after-runtime-run"
)

// hangAt blocks forever when HangEnv names step.
func hangAt(step string) {
	if os.Getenv(HangEnv) == step {
		select {}
	}
}
