package agent_test

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/linuxhcs/hcs/agent/protocol"
	"github.com/linuxhcs/hcs/hresult"
	"github.com/linuxhcs/hcs/internal/testlayer"
	"github.com/linuxhcs/hcs/internal/testutil"
)

// testContainer is a container created in a test agent.
type testContainer struct {
	ta      *testAgent
	c       *protocol.Client
	rec     *exitRecorder
	id      string
	layer   string
	scratch string
	rw, ro  string // mapped at /rw and /ro (read-only)
}

// startContainer starts an agent (in a mount namespace of its own, so nothing it mounts can
// outlive it) and creates a container of the busybox layer in it. Cleanup deletes the
// container and kills any container init the agent left.
func startContainer(t *testing.T) *testContainer {
	t.Helper()
	requireRoot(t)
	layer, err := testlayer.Busybox()
	if err != nil {
		testutil.SkipOrFail(t, "busybox layer: "+err.Error())
	}
	ta := startAgent(t, &syscall.SysProcAttr{Cloneflags: syscall.CLONE_NEWNS})
	c, rec := ta.dial(t)
	tc := &testContainer{ta: ta, c: c, rec: rec, id: "ctr-" + strconv.Itoa(os.Getpid()) + "-" + t.Name(),
		layer: layer, scratch: t.TempDir(), rw: t.TempDir(), ro: t.TempDir()}
	tc.id = strings.ReplaceAll(tc.id, "/", "_")
	t.Cleanup(func() {
		killInits(ta.cmd.Process.Pid)
		// Only empty directories are left after a failure: the mounts die with the init.
		dir := filepath.Join("/run/hcs/containers", tc.id)
		os.Remove(filepath.Join(dir, "rootfs"))
		os.Remove(dir)
	})
	err = c.CreateContainer(ctx(t), protocol.CreateContainerRequest{
		ID: tc.id, Layers: []string{layer}, Scratch: tc.scratch, Hostname: "ctr-host",
		MappedDirectories: []protocol.MappedDirectory{
			{HostPath: tc.rw, ContainerPath: "/rw"},
			{HostPath: tc.ro, ContainerPath: "/mnt/ro", ReadOnly: true},
		},
	})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.DeleteContainer(ctx(t), tc.id) })
	return tc
}

// init returns the pid of the container's init.
func (tc *testContainer) init(t *testing.T) int {
	t.Helper()
	for pid := range childrenOf(tc.ta.cmd.Process.Pid) {
		b, _ := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/cmdline")
		if bytes.HasPrefix(b, []byte("hcs-container-init")) {
			return pid
		}
	}
	t.Fatal("the container's init is not a child of the agent")
	return 0
}

// killInits kills the container inits among the children of the agent, for a test that
// failed before deleting its container.
func killInits(agentPid int) {
	for pid := range childrenOf(agentPid) {
		b, _ := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/cmdline")
		if bytes.HasPrefix(b, []byte("hcs-container-init")) {
			syscall.Kill(pid, syscall.SIGKILL)
		}
	}
}

// run runs a command line in the container and returns its stdout and exit code.
func (tc *testContainer) run(t *testing.T, req protocol.SpawnRequest) (string, int) {
	t.Helper()
	req.Container = tc.id
	pid, out, _ := spawnOut(t, tc.c, req)
	got := string(readAll(t, out, 10*time.Second))
	return got, tc.rec.wait(t, pid, 10*time.Second).ExitCode
}

// sh runs a shell command in the container and fails the test unless it exits 0.
func (tc *testContainer) sh(t *testing.T, script string) string {
	t.Helper()
	out, code := tc.run(t, protocol.SpawnRequest{CommandArgs: []string{"sh", "-c", script}})
	if code != 0 {
		t.Fatalf("%q exited %d, output %q", script, code, out)
	}
	return out
}

func TestContainer(t *testing.T) {
	tc := startContainer(t)
	t.Run("Hostname", func(t *testing.T) {
		if got := tc.sh(t, "hostname"); got != "ctr-host\n" {
			t.Fatalf("hostname = %q", got)
		}
	})
	t.Run("InitIsTheContainers", func(t *testing.T) {
		got := tc.sh(t, "cat /proc/1/cmdline")
		if !strings.HasPrefix(got, "hcs-container-init") || strings.Contains(got, "listen-fd") {
			t.Fatalf("/proc/1/cmdline = %q", got)
		}
	})
	t.Run("RootIsTheLayer", func(t *testing.T) { testRootIsTheLayer(t, tc) })
	t.Run("WritesLandInScratch", func(t *testing.T) {
		tc.sh(t, "echo hello > /written")
		if b, err := os.ReadFile(filepath.Join(tc.scratch, "upper", "written")); err != nil || string(b) != "hello\n" {
			t.Fatalf("scratch upper/written = %q, %v", b, err)
		}
		if _, err := os.Stat(filepath.Join(tc.layer, "written")); err == nil {
			t.Fatal("the write reached the read-only layer")
		}
	})
	t.Run("MappedDirectories", func(t *testing.T) { testMapped(t, tc) })
	t.Run("CannotSeeTheAgent", func(t *testing.T) {
		got := tc.sh(t, "ps -o pid,args; cat /proc/[0-9]*/cmdline")
		if strings.Contains(got, "listen-fd") || strings.Contains(got, "hcs-agent") {
			t.Fatalf("the container sees the agent's processes:\n%s", got)
		}
	})
	t.Run("ExitCode", func(t *testing.T) {
		if _, code := tc.run(t, protocol.SpawnRequest{CommandLine: "sh -c 'exit 7'"}); code != 7 {
			t.Fatalf("exit code %d, want 7", code)
		}
	})
	t.Run("Stdin", func(t *testing.T) { testContainerStdin(t, tc) })
	t.Run("Console", func(t *testing.T) { testContainerConsole(t, tc) })
	t.Run("UserOfTheContainer", func(t *testing.T) {
		// "app" exists in the layer's /etc/passwd only.
		out, code := tc.run(t, protocol.SpawnRequest{CommandLine: "sh -c 'id -u; pwd'", User: "app", WorkingDirectory: "/home/app"})
		if code != 0 || out != "1000\n/home/app\n" {
			t.Fatalf("id -u; pwd = %q, exit %d", out, code)
		}
	})
	t.Run("ListProcesses", func(t *testing.T) { testContainerListProcesses(t, tc) })
	t.Run("Errors", func(t *testing.T) { testContainerErrors(t, tc) })
}

func testRootIsTheLayer(t *testing.T, tc *testContainer) {
	got := strings.Fields(tc.sh(t, "ls /"))
	ents, err := os.ReadDir(tc.layer)
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]bool{"rw": true, "mnt": true, "written": true}
	for _, e := range ents {
		want[e.Name()] = true
	}
	for _, name := range got {
		if !want[name] {
			t.Errorf("ls / shows %q, which is not in the layer: %q", name, got)
		}
	}
	if len(got) < len(ents) {
		t.Errorf("ls / = %q; the layer has %d entries", got, len(ents))
	}
}

func testMapped(t *testing.T, tc *testContainer) {
	tc.sh(t, "echo mapped > /rw/f")
	if b, err := os.ReadFile(filepath.Join(tc.rw, "f")); err != nil || string(b) != "mapped\n" {
		t.Fatalf("rw/f = %q, %v", b, err)
	}
	os.WriteFile(filepath.Join(tc.ro, "g"), []byte("host\n"), 0o644)
	if got := tc.sh(t, "cat /mnt/ro/g"); got != "host\n" {
		t.Fatalf("cat /mnt/ro/g = %q", got)
	}
	if out, code := tc.run(t, protocol.SpawnRequest{CommandLine: "sh -c 'echo x > /mnt/ro/h'"}); code == 0 {
		t.Fatalf("a write to the read-only mapped directory succeeded (%q)", out)
	}
	if _, err := os.Stat(filepath.Join(tc.ro, "h")); err == nil {
		t.Fatal("the write reached the read-only mapped directory")
	}
}

func testContainerStdin(t *testing.T, tc *testContainer) {
	inR, inW := pipe(t)
	outR, outW := pipe(t)
	req := protocol.SpawnRequest{CommandArgs: []string{"cat"}, Stdin: true, Stdout: true, Container: tc.id}
	pid, err := tc.c.Spawn(ctx(t), req, inR, outW)
	inR.Close()
	outW.Close()
	if err != nil {
		t.Fatal(err)
	}
	inW.Write([]byte("through the container\n"))
	inW.Close()
	if got := string(readAll(t, outR, 10*time.Second)); got != "through the container\n" {
		t.Fatalf("cat echoed %q", got)
	}
	if ev := tc.rec.wait(t, pid, 10*time.Second); ev.ExitCode != 0 {
		t.Fatalf("exit %+v", ev)
	}
}

// testContainerConsole runs a process on a terminal of the container's devpts, opened
// through its init's root as the agent does for a relayed console.
func testContainerConsole(t *testing.T, tc *testContainer) {
	master, slave, err := protocol.OpenPTYAt("/proc/" + strconv.Itoa(tc.init(t)) + "/root/dev/ptmx")
	if err != nil {
		t.Fatal(err)
	}
	defer master.Close()
	req := protocol.SpawnRequest{
		CommandLine: `sh -c 'stty size; tty'`, EmulateConsole: true,
		ConsoleSize: [2]uint16{30, 100}, Container: tc.id,
	}
	pid, err := tc.c.Spawn(ctx(t), req, slave)
	slave.Close()
	if err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	readUntil(t, master, &out, "30 100")
	readUntil(t, master, &out, "/dev/pts/")
	if ev := tc.rec.wait(t, pid, 10*time.Second); ev.ExitCode != 0 {
		t.Fatalf("exit = %+v, output %q", ev, out.String())
	}
}

func testContainerListProcesses(t *testing.T, tc *testContainer) {
	pid, err := tc.c.Spawn(ctx(t), protocol.SpawnRequest{CommandLine: "sleep 100", Container: tc.id})
	if err != nil {
		t.Fatal(err)
	}
	defer tc.c.Signal(ctx(t), pid, syscall.SIGKILL)
	ps, err := tc.c.ListProcesses(ctx(t))
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range ps {
		if p.Pid == pid && (p.Container != tc.id || !p.Spawned) {
			t.Fatalf("sleep is listed as %+v", p)
		}
		if p.Pid == pid {
			return
		}
	}
	t.Fatalf("pid %d not listed", pid)
}

func testContainerErrors(t *testing.T, tc *testContainer) {
	_, err := tc.c.Spawn(ctx(t), protocol.SpawnRequest{CommandLine: "true", Container: "no-such"})
	if !errors.Is(err, hresult.HCS_E_SYSTEM_NOT_FOUND) {
		t.Errorf("Spawn in an unknown container: %v", err)
	}
	_, err = tc.c.Spawn(ctx(t), protocol.SpawnRequest{CommandLine: "no-such-program", Container: tc.id})
	if !errors.Is(err, hresult.ERROR_NOT_FOUND) {
		t.Errorf("Spawn of a missing program: %v", err)
	}
	err = tc.c.CreateContainer(ctx(t), protocol.CreateContainerRequest{ID: tc.id, Layers: []string{tc.layer}, Scratch: t.TempDir()})
	if !errors.Is(err, hresult.HCS_E_SYSTEM_ALREADY_EXISTS) {
		t.Errorf("CreateContainer with a duplicate ID: %v", err)
	}
	err = tc.c.CreateContainer(ctx(t), protocol.CreateContainerRequest{ID: "other", Layers: []string{"/no/such/layer"}, Scratch: t.TempDir()})
	if !errors.Is(err, hresult.ERROR_NOT_FOUND) || !strings.Contains(err.Error(), "Layers[0]") {
		t.Errorf("CreateContainer with a missing layer: %v", err)
	}
	err = tc.c.CreateContainer(ctx(t), protocol.CreateContainerRequest{ID: strings.Repeat("h", 65), Layers: []string{tc.layer}, Scratch: t.TempDir()})
	if !errors.Is(err, hresult.E_INVALIDARG) || !strings.Contains(err.Error(), "host name") {
		t.Errorf("CreateContainer with a host name too long: %v", err)
	}
	if err := tc.c.DeleteContainer(ctx(t), "no-such"); !errors.Is(err, hresult.HCS_E_SYSTEM_NOT_FOUND) {
		t.Errorf("DeleteContainer of an unknown container: %v", err)
	}
}

func TestDeleteContainer(t *testing.T) {
	tc := startContainer(t)
	pid, err := tc.c.Spawn(ctx(t), protocol.SpawnRequest{CommandLine: "sh -c 'sleep 100 & sleep 100'", Container: tc.id})
	if err != nil {
		t.Fatal(err)
	}
	agentPid := tc.ta.cmd.Process.Pid
	waitDescendants(t, agentPid, 3, 5*time.Second) // init, two sleeps (sh execs the last)
	if err := tc.c.DeleteContainer(ctx(t), tc.id); err != nil {
		t.Fatal(err)
	}
	if ev := tc.rec.wait(t, pid, 10*time.Second); ev.ExitCode != 137 {
		t.Errorf("exit = %+v, want 137", ev)
	}
	deadline := time.Now().Add(5 * time.Second)
	for len(childrenOf(agentPid)) > 0 && time.Now().Before(deadline) {
		time.Sleep(20 * time.Millisecond)
	}
	if left := descendantsOf(agentPid); len(left) > 0 {
		t.Errorf("processes left after DeleteContainer: %v", left)
	}
	for _, mi := range []string{"/proc/" + strconv.Itoa(agentPid) + "/mountinfo", "/proc/self/mountinfo"} {
		b, err := os.ReadFile(mi)
		if err != nil {
			t.Fatal(err)
		}
		for _, s := range []string{tc.id, tc.scratch, tc.rw, tc.ro} {
			if bytes.Contains(b, []byte(s)) {
				t.Errorf("%s still mentions %s", mi, s)
			}
		}
	}
	if err := tc.c.DeleteContainer(ctx(t), tc.id); !errors.Is(err, hresult.HCS_E_SYSTEM_NOT_FOUND) {
		t.Errorf("second DeleteContainer: %v", err)
	}
}

func TestShutdownDeletesContainers(t *testing.T) {
	tc := startContainer(t)
	pid, err := tc.c.Spawn(ctx(t), protocol.SpawnRequest{CommandLine: "sleep 100", Container: tc.id})
	if err != nil {
		t.Fatal(err)
	}
	// sleep ends with SIGTERM; the init, which ignores it, is then all that is left and the
	// container is deleted without waiting for the timeout.
	start := time.Now()
	res, err := tc.c.Shutdown(ctx(t), 5*time.Second)
	if err != nil || res.Forced {
		t.Fatalf("Shutdown = %+v, %v", res, err)
	}
	if d := time.Since(start); d > 3*time.Second {
		t.Errorf("Shutdown took %v", d)
	}
	if ev := tc.rec.wait(t, pid, 5*time.Second); ev.ExitCode != 128+int(syscall.SIGTERM) {
		t.Errorf("exit = %+v", ev)
	}
	if code := tc.ta.wait(t, 10*time.Second); code != 0 {
		t.Fatalf("agent exit code %d", code)
	}
	if _, err := os.Stat(filepath.Join("/run/hcs/containers", tc.id)); err == nil {
		t.Error("the container's directory is left")
	}
}

// A symbolic link of a layer must not lead a mapped directory outside the container.
func TestMappedDirectoryThroughLinkIsRefused(t *testing.T) {
	requireRoot(t)
	layer, err := testlayer.Busybox()
	if err != nil {
		testutil.SkipOrFail(t, "busybox layer: "+err.Error())
	}
	outside := t.TempDir()
	top := t.TempDir()
	if err := os.Symlink(outside, filepath.Join(top, "evil")); err != nil {
		t.Fatal(err)
	}
	ta := startAgent(t, &syscall.SysProcAttr{Cloneflags: syscall.CLONE_NEWNS})
	t.Cleanup(func() { killInits(ta.cmd.Process.Pid) })
	c, _ := ta.dial(t)
	err = c.CreateContainer(ctx(t), protocol.CreateContainerRequest{
		ID: "link", Layers: []string{top, layer}, Scratch: t.TempDir(),
		MappedDirectories: []protocol.MappedDirectory{{HostPath: t.TempDir(), ContainerPath: "/evil/x"}},
	})
	if err == nil || !strings.Contains(err.Error(), "symbolic link") {
		t.Fatalf("CreateContainer = %v, want a refusal of the link", err)
	}
	if _, err := os.Stat(filepath.Join(outside, "x")); err == nil {
		t.Fatal("the mapped directory was created outside the container")
	}
	if ents, _ := os.ReadDir("/run/hcs/containers/link"); len(ents) > 0 {
		t.Fatalf("left in the container's directory: %v", ents)
	}
}
