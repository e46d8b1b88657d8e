package hcsdtest

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"

	"github.com/linuxhcs/hcs/client"
)

// TerminateAll terminates every compute system the running service knows and returns them
// as "id (state)": a test that cleans up after itself leaves none.
func (d *Daemon) TerminateAll() ([]string, error) {
	ctx, cancel := context.WithTimeout(context.Background(), Timeout)
	defer cancel()
	c, err := client.Dial(ctx, d.Socket)
	if err != nil {
		return nil, fmt.Errorf("connecting to hcsd for clean-up: %w", err)
	}
	defer c.Close()
	doc, err := client.Do(ctx, func(op *client.Operation) error { return c.EnumerateComputeSystems("", op) })
	if err != nil {
		return nil, fmt.Errorf("listing systems for clean-up: %w", err)
	}
	var systems []struct{ Id, State string }
	if err := json.Unmarshal([]byte(doc), &systems); err != nil {
		return nil, fmt.Errorf("listing systems for clean-up: %w: %s", err, doc)
	}
	var left []string
	for _, sys := range systems {
		left = append(left, sys.Id+" ("+sys.State+")")
		h, err := c.OpenComputeSystem(ctx, sys.Id, client.GenericAll)
		if err != nil {
			continue
		}
		client.Do(ctx, func(op *client.Operation) error { return h.Terminate(op, "") })
		h.WaitForExit(ctx)
		h.Close()
	}
	return left, nil
}

// Leftovers lists what the service's containers left on the host: containers its runtimes
// still know, mounts under Base, and cgroups under Cgroup.
func (d *Daemon) Leftovers() []string {
	var left []string
	for _, rt := range []string{"runc", "crun"} {
		out, _ := exec.Command(rt, "--root", filepath.Join(d.RuntimeRoot, rt), "list", "-q").Output()
		if s := strings.TrimSpace(string(out)); s != "" {
			left = append(left, rt+" containers: "+s)
		}
	}
	mounts, _ := os.ReadFile("/proc/self/mountinfo")
	for _, line := range strings.Split(string(mounts), "\n") {
		if f := strings.Fields(line); len(f) > 4 && strings.HasPrefix(f[4], d.Base+"/") {
			left = append(left, "mount "+f[4])
		}
	}
	for _, dir := range d.cgroupDirs() {
		subs, _ := filepath.Glob(filepath.Join(dir, "*"))
		for _, c := range subs {
			if st, err := os.Stat(c); err == nil && st.IsDir() {
				left = append(left, "cgroup "+c)
			}
		}
	}
	return left
}

// cgroupDirs returns Cgroup in the unified hierarchy and in every v1 hierarchy.
func (d *Daemon) cgroupDirs() []string {
	v1, _ := filepath.Glob(filepath.Join("/sys/fs/cgroup/*", d.Cgroup))
	return append(v1, filepath.Join("/sys/fs/cgroup", d.Cgroup))
}

// Close stops the service if it runs, then returns what it left (Leftovers, and why it
// did not stop cleanly) and removes its directories and (empty) cgroups.
func (d *Daemon) Close() []string {
	var left []string
	if err := d.Stop(); err != nil {
		left = append(left, "hcsd: "+err.Error())
	}
	left = append(left, d.Leftovers()...)
	d.removeDirs()
	return left
}

func (d *Daemon) removeDirs() {
	for _, dir := range d.cgroupDirs() {
		os.Remove(dir)
	}
	os.RemoveAll(d.Base)
	os.RemoveAll(d.AgentDir)
}
