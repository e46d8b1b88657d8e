// Command hcs-agent is the init process of Linux HCS containers and VM guests. It serves the
// agent protocol on an inherited listening unix socket; see package
// github.com/linuxhcs/hcs/agent for how to start it.
//
// Usage:
//
//	hcs-agent --listen-fd=N [--shutdown-timeout=10s]
//	hcs-agent --transport=virtio-serial:NAME|vsock:PORT [--shutdown-timeout=10s]
//
// HCS_AGENT_LISTEN_FD=N in the environment may replace --listen-fd, and
// HCS_AGENT_TRANSPORT may replace --transport. Started as pid 1 with neither (the init of
// a VM guest, which the kernel starts without arguments), it serves on the virtio-serial
// port "hcs.agent".
package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"strconv"

	"github.com/linuxhcs/hcs/agent"
	"github.com/linuxhcs/hcs/agent/protocol"
)

func main() {
	// The agent runs its own binary again for the init of a container and to start the
	// processes of a container; those runs never return.
	agent.RunHelper(os.Args[0])
	cfg, err := parseFlags(os.Args[1:])
	if err != nil {
		fmt.Fprintf(os.Stderr, "hcs-agent: %v\n", err)
		os.Exit(2)
	}
	if err := agent.Run(context.Background(), cfg); err != nil {
		fmt.Fprintf(os.Stderr, "hcs-agent: %v\n", err)
		os.Exit(1)
	}
	os.Exit(0)
}

// parseFlags turns the command line (and HCS_AGENT_LISTEN_FD) into a Config.
func parseFlags(args []string) (agent.Config, error) {
	fs := flag.NewFlagSet("hcs-agent", flag.ContinueOnError)
	listenFD := fs.Int(protocol.ListenFDFlag[2:], -1, "inherited descriptor of the listening unix socket")
	timeout := fs.Duration(protocol.ShutdownTimeoutFlag[2:], agent.DefaultShutdownTimeout,
		"how long a shutdown caused by SIGTERM or SIGINT waits before SIGKILL")
	transport := fs.String("transport", os.Getenv("HCS_AGENT_TRANSPORT"),
		"serve over a stream instead of a socket: virtio-serial:NAME or vsock:PORT (in a VM guest)")
	if err := fs.Parse(args); err != nil {
		return agent.Config{}, err
	}
	if fs.NArg() > 0 {
		return agent.Config{}, fmt.Errorf("unexpected arguments %q", fs.Args())
	}
	if *listenFD < 0 && *transport == "" && os.Getpid() == 1 {
		if _, ok := os.LookupEnv(protocol.ListenFDEnv); !ok {
			*transport = agent.TransportVirtioSerial + "hcs.agent"
		}
	}
	if *transport != "" {
		return agent.Config{Transport: *transport, ShutdownTimeout: *timeout}, nil
	}
	if *listenFD < 0 {
		v, ok := os.LookupEnv(protocol.ListenFDEnv)
		if !ok {
			return agent.Config{}, fmt.Errorf("%s=N or %s is required", protocol.ListenFDFlag, protocol.ListenFDEnv)
		}
		n, err := strconv.Atoi(v)
		if err != nil || n < 0 {
			return agent.Config{}, fmt.Errorf("%s=%q: not a descriptor number", protocol.ListenFDEnv, v)
		}
		*listenFD = n
	}
	return agent.Config{ListenFD: *listenFD, ShutdownTimeout: *timeout}, nil
}
