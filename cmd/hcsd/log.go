package main

import (
	"fmt"
	"log/slog"
	"os"

	"github.com/linuxhcs/hcs/internal/rpc"
)

// parseLevel turns a --log-level value into a slog level.
func parseLevel(s string) (slog.Level, error) {
	switch s {
	case "debug":
		return slog.LevelDebug, nil
	case "info":
		return slog.LevelInfo, nil
	case "warn":
		return slog.LevelWarn, nil
	case "error":
		return slog.LevelError, nil
	}
	return 0, fmt.Errorf("log level %q: want debug, info, warn or error", s)
}

// logLevel is the level of hcsd's log; HcsModifyServiceSettings can change it at run time.
var logLevel = new(slog.LevelVar)

// newLogger logs text lines to stderr (the journal, under systemd) and becomes the default.
func newLogger(level string) *slog.Logger {
	l, _ := parseLevel(level)
	logLevel.Set(l)
	log := slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: logLevel}))
	slog.SetDefault(log)
	return log
}

func softwareVersion() string {
	if version != "" {
		return version
	}
	return rpc.SoftwareVersion()
}
