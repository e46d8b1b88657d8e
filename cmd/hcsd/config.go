package main

import (
	"bytes"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"time"

	"github.com/linuxhcs/hcs/client"
)

// config is hcsd's settings, from the config file and the command line. The JSON names are
// the config file's.
type config struct {
	// Socket is the listening socket's path.
	Socket string `json:"Socket,omitempty"`
	// StateDir holds per-system state and stored crash reports.
	StateDir string `json:"StateDir,omitempty"`
	// Runtime is the OCI runtime, "crun" or "runc"; empty lets the container driver choose.
	Runtime string `json:"Runtime,omitempty"`
	// LogLevel is debug, info, warn or error.
	LogLevel string `json:"LogLevel,omitempty"`
	// Group is the group whose members may use the service besides root.
	Group string `json:"Group,omitempty"`
	// RuntimeRoot holds the OCI runtimes' state directories (RuntimeRoot/runc,
	// RuntimeRoot/crun); empty means /run/hcs.
	RuntimeRoot string `json:"RuntimeRoot,omitempty"`
	// CgroupParent is the cgroup containers are placed under; empty means /hcs.
	CgroupParent string `json:"CgroupParent,omitempty"`
	// AgentSocketDir holds the containers' agent sockets; empty means /run/hcs/agents.
	AgentSocketDir string `json:"AgentSocketDir,omitempty"`
	// HandshakeTimeout bounds the wait for a guest's agent (a container's init, a VM's
	// guest agent) at Start and after a restart, as a Go duration ("30s"); empty means
	// each driver's default.
	HandshakeTimeout string `json:"HandshakeTimeout,omitempty"`

	showVersion bool
}

// maxConfigSize bounds the config file.
const maxConfigSize = 1 << 20

func defaults() config {
	return config{Socket: client.DefaultSocket, StateDir: "/var/lib/hcs", LogLevel: "info", Group: "hcs"}
}

// loadConfig builds the configuration: defaults, then the config file named by --config,
// then the flags given on the command line.
func loadConfig(args []string) (config, error) {
	var flags config
	fs := flag.NewFlagSet("hcsd", flag.ContinueOnError)
	file := fs.String("config", "", "JSON config file with the settings below; flags override it")
	fs.StringVar(&flags.Socket, "socket", client.DefaultSocket, "listening socket")
	fs.StringVar(&flags.StateDir, "state-dir", "/var/lib/hcs", "state directory")
	fs.StringVar(&flags.Runtime, "runtime", "", "OCI runtime: crun or runc (default: crun when installed)")
	fs.StringVar(&flags.LogLevel, "log-level", "info", "log level: debug, info, warn or error")
	fs.StringVar(&flags.Group, "group", "hcs", "group whose members may use the service besides root")
	fs.StringVar(&flags.RuntimeRoot, "runtime-root", "", "directory of the OCI runtimes' state directories, one per runtime (default /run/hcs)")
	fs.StringVar(&flags.CgroupParent, "cgroup-parent", "", "cgroup for containers (default /hcs)")
	fs.StringVar(&flags.AgentSocketDir, "agent-socket-dir", "", "directory of the agents' sockets (default /run/hcs/agents)")
	fs.StringVar(&flags.HandshakeTimeout, "handshake-timeout", "", "how long Start waits for a guest's agent, e.g. 30s (default: 30s for containers, 60s for VMs)")
	fs.BoolVar(&flags.showVersion, "version", false, "print the version and exit")
	if err := fs.Parse(args); err != nil {
		return config{}, err
	}
	if fs.NArg() > 0 {
		return config{}, fmt.Errorf("unexpected arguments %q", fs.Args())
	}
	cfg := defaults()
	if *file != "" {
		if err := readConfigFile(*file, &cfg); err != nil {
			return config{}, err
		}
	}
	fs.Visit(func(f *flag.Flag) { override(&cfg, &flags, f.Name) })
	cfg.showVersion = flags.showVersion
	return cfg, cfg.validate()
}

// override copies the flag name from flags into cfg.
func override(cfg, flags *config, name string) {
	fields := map[string][2]*string{
		"socket": {&cfg.Socket, &flags.Socket}, "state-dir": {&cfg.StateDir, &flags.StateDir},
		"runtime": {&cfg.Runtime, &flags.Runtime}, "log-level": {&cfg.LogLevel, &flags.LogLevel},
		"group": {&cfg.Group, &flags.Group}, "runtime-root": {&cfg.RuntimeRoot, &flags.RuntimeRoot},
		"cgroup-parent": {&cfg.CgroupParent, &flags.CgroupParent}, "agent-socket-dir": {&cfg.AgentSocketDir, &flags.AgentSocketDir},
		"handshake-timeout": {&cfg.HandshakeTimeout, &flags.HandshakeTimeout},
	}
	if f, ok := fields[name]; ok {
		*f[0] = *f[1]
	}
}

// readConfigFile merges the JSON object in path into cfg; unknown settings are an error.
func readConfigFile(path string, cfg *config) error {
	f, err := os.Open(path)
	if err != nil {
		return fmt.Errorf("config: %w", err)
	}
	defer f.Close()
	b, err := io.ReadAll(io.LimitReader(f, maxConfigSize+1))
	if err != nil {
		return fmt.Errorf("config %s: %w", path, err)
	}
	if len(b) > maxConfigSize {
		return fmt.Errorf("config %s: larger than %d bytes", path, maxConfigSize)
	}
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	if err := dec.Decode(cfg); err != nil {
		return fmt.Errorf("config %s: %w", path, err)
	}
	if dec.More() {
		return fmt.Errorf("config %s: more than one JSON value", path)
	}
	return nil
}

// validate checks the settings hcsd cannot work without.
func (c *config) validate() error {
	switch c.Runtime {
	case "", "crun", "runc":
	default:
		return fmt.Errorf("runtime %q: want crun or runc", c.Runtime)
	}
	if _, err := parseLevel(c.LogLevel); err != nil {
		return err
	}
	if c.Group == "" {
		return fmt.Errorf("group: required")
	}
	for name, p := range map[string]string{"socket": c.Socket, "state-dir": c.StateDir} {
		if !filepath.IsAbs(p) {
			return fmt.Errorf("%s %q: must be an absolute path", name, p)
		}
	}
	for name, p := range map[string]string{"runtime-root": c.RuntimeRoot, "agent-socket-dir": c.AgentSocketDir} {
		if p != "" && !filepath.IsAbs(p) {
			return fmt.Errorf("%s %q: must be an absolute path", name, p)
		}
	}
	_, err := c.handshakeTimeout()
	return err
}

// handshakeTimeout is HandshakeTimeout as a duration, zero when it is empty.
func (c *config) handshakeTimeout() (time.Duration, error) {
	if c.HandshakeTimeout == "" {
		return 0, nil
	}
	d, err := time.ParseDuration(c.HandshakeTimeout)
	if err != nil || d <= 0 {
		return 0, fmt.Errorf("handshake-timeout %q: want a positive duration such as 30s", c.HandshakeTimeout)
	}
	return d, nil
}
