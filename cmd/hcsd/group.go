package main

import (
	"errors"
	"fmt"
	"log/slog"
	"os/exec"
	"os/user"
	"strconv"
	"strings"
)

// ensureGroup returns the gid of the group name, creating it as a system group with
// groupadd(8) when it does not exist.
func ensureGroup(name string, log *slog.Logger) (uint32, error) {
	gid, err := lookupGroup(name)
	if !errors.As(err, new(user.UnknownGroupError)) {
		return gid, err
	}
	out, err := exec.Command("groupadd", "--system", name).CombinedOutput()
	if err != nil {
		return 0, fmt.Errorf("creating group %s with groupadd: %v: %s", name, err, strings.TrimSpace(string(out)))
	}
	if gid, err = lookupGroup(name); err != nil {
		return 0, err
	}
	log.Info("created the group that may use the compute service", "group", name, "gid", gid)
	return gid, nil
}

func lookupGroup(name string) (uint32, error) {
	g, err := user.LookupGroup(name)
	if err != nil {
		return 0, err
	}
	gid, err := strconv.ParseUint(g.Gid, 10, 32)
	if err != nil {
		return 0, fmt.Errorf("group %s: gid %q: %w", name, g.Gid, err)
	}
	return uint32(gid), nil
}
