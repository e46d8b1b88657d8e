package container_test

import (
	"context"
	"crypto/sha256"
	"fmt"
	"io/fs"
	"log/slog"
	"net"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/linuxhcs/hcs/driver"
	"github.com/linuxhcs/hcs/driver/container"
	"github.com/linuxhcs/hcs/driver/drivertest"
	"github.com/linuxhcs/hcs/internal/testutil"
)

// probeScript runs as root in the container: it reopens, for reading and writing, every
// descriptor of the container's init and of itself, writes a marker at the start of each
// and touches each. O_RDWR never blocks on a pipe, whatever its other end.
const probeScript = `for f in /proc/1/fd/* /proc/self/fd/*; do
	echo hcs-probe-marker 1<>"$f"
	touch -c "$f"
done 2>/dev/null
echo probed`

// TestInitOffersNoHostFile: the container's init holds no descriptor of a host file, and a
// process in the container that writes through every descriptor of the init and of its own
// changes no host file. The agent's output still reaches the service's log.
func TestInitOffersNoHostFile(t *testing.T) {
	for _, rt := range []string{"runc", "crun"} {
		t.Run(rt, func(t *testing.T) {
			var logged testutil.Buffer
			d := newLoggingDriver(t, rt, slog.New(slog.NewTextHandler(&logged, nil)))
			c := startNamed(t, d, "fd-probe-"+rt)
			init := c.state(t).Pid
			if held := hostFilesHeld(t, init); len(held) > 0 {
				t.Errorf("the init holds host files: %v", held)
			}
			watched := append(append(hostFilesHeld(t, init), "/dev/null"), filesUnder(t, c.dir)...)
			before := snapshot(t, watched)
			if out, _ := runIn(t, c.sys, c.rec, probeScript); !strings.HasSuffix(out, "probed\n") {
				t.Fatalf("probe: %q", out)
			}
			for f := range before {
				if after := fileState(t, f); after != before[f] {
					t.Errorf("%s changed from within the container:\n  before %s\n  after  %s", f, before[f], after)
				}
			}
			checkAgentOutputLogged(t, &logged, c.socket(t))
		})
	}
}

// TestAgentOutputFollowedAfterRestart: while no service reads the init's output the agent
// keeps running (its writes fail), and the driver that recovers the container reads the
// output again.
func TestAgentOutputFollowedAfterRestart(t *testing.T) {
	d := newDriver(t, "crun")
	c := startNamed(t, d, "output-restart")
	container.DropAgentOutput(c.sys)
	pokeAgent(t, c.socket(t))          // the agent logs to a pipe nobody reads
	time.Sleep(200 * time.Millisecond) // time to write it, so the write fails before recovery
	var logged testutil.Buffer
	again, err := container.Reopened(d, slog.New(slog.NewTextHandler(&logged, nil)))
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	got, err := again.Recover(ctx, driver.CreateRequest{ID: c.id, Config: c.cfg, StateDir: c.dir, Notify: drivertest.NewRecorder()})
	if err != nil {
		t.Fatalf("Recover after the agent wrote to an unread pipe: %v", err)
	}
	c.sys, c.stopped = got.System, false // the recovered system stops the container
	checkAgentOutputLogged(t, &logged, c.socket(t))
}

// socket is the path of the container's agent socket.
func (c *namedSystem) socket(t *testing.T) string {
	return filepath.Join(c.socketDir, c.state(t).RuntimeID+".sock")
}

// pokeAgent opens a connection to the agent and closes it before the handshake, which the
// agent logs.
func pokeAgent(t *testing.T, socket string) {
	t.Helper()
	conn, err := net.Dial("unix", socket)
	if err != nil {
		t.Fatal(err)
	}
	conn.Close()
}

// hostFilesHeld lists the host files that descriptors of process pid refer to: those whose
// path, looked up on the host, is the very file the descriptor holds.
func hostFilesHeld(t *testing.T, pid int) []string {
	t.Helper()
	dir := fmt.Sprintf("/proc/%d/fd", pid)
	ents, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var held []string
	for _, e := range ents {
		fd := filepath.Join(dir, e.Name())
		target, err := os.Readlink(fd)
		if err != nil || !filepath.IsAbs(target) {
			continue // pipes, sockets and anonymous files have no path
		}
		viaFD, err1 := os.Stat(fd)
		onHost, err2 := os.Stat(target)
		if err1 == nil && err2 == nil && os.SameFile(viaFD, onHost) {
			held = append(held, target)
		}
	}
	return held
}

// filesUnder lists the files in dir and below.
func filesUnder(t *testing.T, dir string) []string {
	t.Helper()
	var files []string
	err := filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			files = append(files, path)
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return files
}

func snapshot(t *testing.T, files []string) map[string]string {
	t.Helper()
	m := map[string]string{}
	for _, f := range files {
		m[f] = fileState(t, f)
	}
	return m
}

// fileState describes what a write, a touch or a change of mode would change in a file:
// its metadata with change and modification times, and a digest of a regular file's data.
func fileState(t *testing.T, path string) string {
	t.Helper()
	var st syscall.Stat_t
	if err := syscall.Stat(path, &st); err != nil {
		return "missing: " + err.Error()
	}
	s := fmt.Sprintf("mode %o uid %d size %d mtime %d.%09d ctime %d.%09d", st.Mode, st.Uid, st.Size,
		st.Mtim.Sec, st.Mtim.Nsec, st.Ctim.Sec, st.Ctim.Nsec)
	if st.Mode&syscall.S_IFMT == syscall.S_IFREG {
		b, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		s += fmt.Sprintf(" sha256 %x", sha256.Sum256(b))
	}
	return s
}

// checkAgentOutputLogged makes the agent write to its output (a connection that ends
// before its handshake is logged) and waits for the line in the service's log.
func checkAgentOutputLogged(t *testing.T, logged *testutil.Buffer, socket string) {
	t.Helper()
	pokeAgent(t, socket)
	for deadline := time.Now().Add(10 * time.Second); time.Now().Before(deadline); time.Sleep(20 * time.Millisecond) {
		for _, line := range strings.Split(logged.String(), "\n") {
			if strings.Contains(line, "agent output") && strings.Contains(line, "handshake") {
				return
			}
		}
	}
	t.Fatalf("the agent's output did not reach the service's log:\n%s", logged.String())
}
