// Command hcsd is the Linux Host Compute Service: it owns every compute system and serves the
// HCS API to clients (package client, hcsdiag, libcomputecore) on a unix socket.
//
// Usage:
//
//	hcsd [--config FILE] [--socket PATH] [--state-dir DIR] [--runtime crun|runc]
//	     [--log-level debug|info|warn|error] [--group NAME] [--runtime-root DIR]
//	     [--cgroup-parent PATH] [--agent-socket-dir DIR]
//
// The config file is a JSON object with the same settings (see docs/hcsd.md); flags override
// it. hcsd runs as root, creates the group that may use it (hcs) when missing, and stops
// cleanly on SIGTERM or SIGINT: clients are disconnected, compute systems keep running.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"os"
	"os/signal"
	"syscall"
)

// version is hcsd's software version, set at build time with
// -ldflags "-X main.version=..."; empty means the module's build information.
var version string

func main() {
	cfg, err := loadConfig(os.Args[1:])
	if errors.Is(err, flag.ErrHelp) {
		os.Exit(0)
	}
	if err != nil {
		fmt.Fprintf(os.Stderr, "hcsd: %v\n", err)
		os.Exit(2)
	}
	if cfg.showVersion {
		fmt.Println(softwareVersion())
		os.Exit(0)
	}
	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGTERM, syscall.SIGINT)
	defer stop()
	if err := run(ctx, cfg, newLogger(cfg.LogLevel)); err != nil {
		fmt.Fprintf(os.Stderr, "hcsd: %v\n", err)
		os.Exit(1)
	}
}
