package main

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
)

// TestPrivateServiceWhenHcsdIsNotRunning runs hcsdiag where no hcsd answers: each command
// gets a private hcsd on the test's config, says so exactly once, and the systems outlive
// it.
func TestPrivateServiceWhenHcsdIsNotRunning(t *testing.T) {
	needDaemon(t)
	d, err := newHcsdRun("private")
	if err != nil {
		t.Fatal(err)
	}
	scratch := filepath.Join(t.TempDir(), "rw") // removed after the container is terminated
	t.Cleanup(func() {
		d.runIn(t, "", "terminate", "solo")
		if left := d.leftovers(); len(left) > 0 {
			t.Errorf("the private services left: %v", left)
		}
	})
	private := func(stdin string, args ...string) result {
		t.Helper()
		r := d.runIn(t, stdin, args...)
		if n := strings.Count(r.stderr, privateNote); n != 1 {
			t.Fatalf("hcsdiag %s: the note appears %d times, want once\n%s", strings.Join(args, " "), n, r)
		}
		if r.code != 0 {
			t.Fatalf("hcsdiag %s:\n%s", strings.Join(args, " "), r)
		}
		return r
	}
	if r := private("", "list"); !strings.HasPrefix(r.stdout, "ID") || r.stderr != privateNote+"\n" {
		t.Fatalf("list:\n%s", r)
	}
	private("", "create", "solo", example("container.json"), "--layer", layer, "--scratch", scratch)
	private("", "start", "solo")
	if r := private("abc\n", "exec", "-i", "solo", "--", "rev"); r.stdout != "cba\n" {
		t.Fatalf("exec through a private service:\n%s", r)
	}
	if r := private("", "run", "--rm", "--layer", layer, "--", "echo", "one note"); r.stdout != "one note\n" {
		t.Fatalf("run through a private service:\n%s", r)
	}
	// The container outlived three private services.
	if r := private("", "list"); !strings.Contains(lineWith(r.stdout, "solo"), "Running") {
		t.Fatalf("the container is gone with its private service:\n%s", r)
	}

	// A second command waits while another holds the private service.
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	holder, _, holderErr := d.command(ctx, "", "events")
	if err := holder.Start(); err != nil {
		t.Fatal(err)
	}
	waitFor(t, func() bool { return strings.Contains(holderErr.String(), privateNote) })
	waiter, _, waiterErr := d.command(ctx, "", "list")
	if err := waiter.Start(); err != nil {
		t.Fatal(err)
	}
	waitFor(t, func() bool { return strings.Contains(waiterErr.String(), "waiting for another hcsdiag") })
	holder.Process.Signal(syscall.SIGTERM)
	if err := holder.Wait(); err != nil {
		t.Fatalf("events on a private service, ended by SIGTERM: %v\n%s", err, holderErr)
	}
	if err := waiter.Wait(); err != nil {
		t.Fatalf("the waiting list: %v\n%s", err, waiterErr)
	}

	private("", "terminate", "solo")
	if out, _ := exec.Command("pgrep", "-f", "hcsd --config "+d.Config).Output(); len(out) > 0 {
		t.Errorf("private hcsd still running: %s", out)
	}
	if left, _ := filepath.Glob(filepath.Join(os.TempDir(), "hcsdiag-private-*")); len(left) > 0 {
		t.Errorf("private socket directories left: %v", left)
	}
}

// TestNoPrivateServiceForOthers: only root may start a private service; anyone else is
// told what to do.
func TestNoPrivateServiceForOthers(t *testing.T) {
	needDaemon(t)
	d, err := newHcsdRun("nobody")
	if err != nil {
		t.Fatal(err)
	}
	defer d.leftovers()
	cmd, _, errb := d.command(context.Background(), "", "list")
	// A socket path nobody may look for: the test's directories are closed to other users.
	cmd.Env = append(cmd.Env, "HCS_SOCKET="+filepath.Join(os.TempDir(), "hcsdiag-test-nothing.sock"))
	cmd.SysProcAttr = &syscall.SysProcAttr{Credential: &syscall.Credential{Uid: 65534, Gid: 65534}}
	err = cmd.Run()
	if cmd.ProcessState == nil || cmd.ProcessState.ExitCode() != 1 ||
		!strings.HasPrefix(errb.String(), "hcsdiag: list: HCS_E_SERVICE_NOT_AVAILABLE (0x80370114): ") ||
		!strings.Contains(errb.String(), "start hcsd") {
		t.Fatalf("list as nobody without hcsd: %v\n%s", err, errb)
	}
}
