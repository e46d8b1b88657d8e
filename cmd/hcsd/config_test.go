package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func writeConfig(t *testing.T, body string) string {
	path := filepath.Join(t.TempDir(), "hcsd.json")
	if err := os.WriteFile(path, []byte(body), 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

func TestConfigDefaults(t *testing.T) {
	cfg, err := loadConfig(nil)
	if err != nil {
		t.Fatal(err)
	}
	if cfg.Socket != "/run/hcs/hcsd.sock" || cfg.StateDir != "/var/lib/hcs" || cfg.Runtime != "" || cfg.LogLevel != "info" || cfg.Group != "hcs" {
		t.Fatalf("defaults = %+v", cfg)
	}
}

func TestFlagsOverrideTheConfigFile(t *testing.T) {
	path := writeConfig(t, `{"Socket":"/run/x/hcsd.sock","StateDir":"/srv/hcs","Runtime":"runc","LogLevel":"debug","CgroupParent":"/mine"}`)
	cfg, err := loadConfig([]string{"--config", path, "--runtime", "crun", "--state-dir", "/var/lib/other"})
	if err != nil {
		t.Fatal(err)
	}
	want := config{Socket: "/run/x/hcsd.sock", StateDir: "/var/lib/other", Runtime: "crun", LogLevel: "debug", Group: "hcs", CgroupParent: "/mine"}
	if cfg != want {
		t.Fatalf("config = %+v\nwant     %+v", cfg, want)
	}
}

func TestHandshakeTimeoutFromFileAndFlag(t *testing.T) {
	path := writeConfig(t, `{"HandshakeTimeout":"45s"}`)
	for _, c := range []struct {
		args []string
		want time.Duration
	}{
		{nil, 0},
		{[]string{"--config", path}, 45 * time.Second},
		{[]string{"--config", path, "--handshake-timeout", "2m"}, 2 * time.Minute},
	} {
		cfg, err := loadConfig(c.args)
		if err != nil {
			t.Fatal(err)
		}
		if got, err := cfg.handshakeTimeout(); err != nil || got != c.want {
			t.Errorf("%q: handshake timeout %v, %v; want %v", c.args, got, err, c.want)
		}
	}
}

func TestBadConfigsAreRefused(t *testing.T) {
	cases := map[string][]string{
		"unknown setting": {"--config", writeConfig(t, `{"Sockett":"/x"}`)},
		"two values":      {"--config", writeConfig(t, `{} {}`)},
		"not JSON":        {"--config", writeConfig(t, `Socket=/x`)},
		"missing file":    {"--config", "/nonexistent/hcsd.json"},
		"runtime":         {"--runtime", "docker"},
		"log level":       {"--log-level", "loud"},
		"relative socket": {"--socket", "hcsd.sock"},
		"relative state":  {"--config", writeConfig(t, `{"StateDir":"state"}`)},
		"empty group":     {"--group", ""},
		"extra argument":  {"serve"},
		"unknown flag":    {"--sockets", "/x"},
		"bad timeout":     {"--handshake-timeout", "soon"},
		"zero timeout":    {"--config", writeConfig(t, `{"HandshakeTimeout":"0s"}`)},
	}
	for name, args := range cases {
		if _, err := loadConfig(args); err == nil {
			t.Errorf("%s: %q accepted", name, args)
		}
	}
	big := writeConfig(t, `{"Group":"`+strings.Repeat("g", maxConfigSize)+`"}`)
	if _, err := loadConfig([]string{"--config", big}); err == nil || !strings.Contains(err.Error(), "larger than") {
		t.Errorf("an oversize config file: %v", err)
	}
}

// A config file that cannot be read is named in the error; main reports it before anything
// is made (no group, socket, state directory or lock).
func TestAMissingConfigFileIsNamed(t *testing.T) {
	missing := filepath.Join(t.TempDir(), "missing.json")
	_, err := loadConfig([]string{"--config", missing})
	if err == nil || !strings.Contains(err.Error(), missing) || !strings.Contains(err.Error(), "no such file") {
		t.Errorf("a missing config file: %v", err)
	}
}
