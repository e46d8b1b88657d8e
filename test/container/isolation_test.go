package container_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/linuxhcs/hcs/client"
	"github.com/linuxhcs/hcs/schema"
)

// namespaces are the namespaces every container gets of its own.
var namespaces = []string{"net", "pid", "mnt", "uts", "ipc"}

// peer is one of the two containers of the isolation test.
type peer struct {
	name  string // its host name
	sleep string // the command line of its marker process
	sys   *client.System
	rw    string // its writable layer, where its root is mounted on the host
}

func TestContainersAreIsolated(t *testing.T) {
	forEachRuntime(t, func(t *testing.T, e *env) {
		peers := []*peer{{name: "alpha", sleep: "sleep 1001"}, {name: "beta", sleep: "sleep 1002"}}
		for _, p := range peers {
			doc := busybox(t, func(c *schema.Container) { c.GuestOs = &schema.GuestOs{HostName: p.name} })
			p.rw = doc.Container.Storage.Path
			p.sys = e.start("iso-"+p.name+"-"+e.runtime, doc)
			spawn(t, p.sys, schema.ProcessParameters{CommandArgs: strings.Fields(p.sleep)})
		}
		for i, p := range peers {
			other := peers[1-i]
			t.Run(p.name, func(t *testing.T) {
				checkHostname(t, p)
				checkProcesses(t, p, other)
				checkFilesystem(t, p, other)
				checkLoopbackOnly(t, p)
			})
		}
		checkNamespacesDiffer(t, peers)
	})
}

func checkHostname(t *testing.T, p *peer) {
	if out := mustRun(t, p.sys, "hostname"); out != p.name+"\n" {
		t.Errorf("hostname %q, want %q", out, p.name)
	}
}

// checkProcesses: the container sees its own marker process, not the other's, and only a
// handful of processes in all (the host has many).
func checkProcesses(t *testing.T, p, other *peer) {
	out := mustRun(t, p.sys, "ps -o pid,args")
	if !strings.Contains(out, p.sleep) || strings.Contains(out, other.sleep) {
		t.Errorf("ps in %s, want %q and not %q:\n%s", p.name, p.sleep, other.sleep, out)
	}
	pids := strings.Fields(mustRun(t, p.sys, "cd /proc && echo [0-9]*"))
	if len(pids) > 8 {
		t.Errorf("%s sees %d processes: %v", p.name, len(pids), pids)
	}
}

// checkFilesystem: a file written to the container's / lands in its own writable layer and
// is absent from the other container.
func checkFilesystem(t *testing.T, p, other *peer) {
	file := "/only-in-" + p.name
	mustRun(t, p.sys, "echo "+p.name+" > "+file)
	if _, _, code := run(t, other.sys, "test -e "+file); code == 0 {
		t.Errorf("%s written in %s is visible in %s", file, p.name, other.name)
	}
	if b, err := os.ReadFile(filepath.Join(p.rw, file)); err != nil || string(b) != p.name+"\n" {
		t.Errorf("%s in the writable layer of %s: %q, %v", file, p.name, b, err)
	}
	if pathExists(filepath.Join(other.rw, file)) {
		t.Errorf("%s written in %s reached the writable layer of %s", file, p.name, other.name)
	}
}

// checkLoopbackOnly: the network namespace holds only the loopback, and it is up.
func checkLoopbackOnly(t *testing.T, p *peer) {
	dev := mustRun(t, p.sys, "cat /proc/net/dev")
	var ifaces []string
	for _, line := range strings.Split(dev, "\n") {
		if name, _, ok := strings.Cut(line, ":"); ok {
			ifaces = append(ifaces, strings.TrimSpace(name))
		}
	}
	if len(ifaces) != 1 || ifaces[0] != "lo" {
		t.Errorf("interfaces in %s: %v, want only lo\n%s", p.name, ifaces, dev)
	}
	if link := mustRun(t, p.sys, "ip link show lo"); !strings.Contains(link, "<LOOPBACK,UP,LOWER_UP>") {
		t.Errorf("lo in %s is not up: %s", p.name, link)
	}
	if state := mustRun(t, p.sys, "cat /sys/class/net/lo/operstate"); state != "unknown\n" {
		t.Errorf("lo operstate in %s: %q, want \"unknown\" (what an up loopback reports)", p.name, state)
	}
	if out := mustRun(t, p.sys, "ping -c 1 -W 5 127.0.0.1 >/dev/null && echo reachable"); out != "reachable\n" {
		t.Errorf("127.0.0.1 in %s: %q", p.name, out)
	}
}

// checkNamespacesDiffer: each namespace of each container differs from the other
// container's and from the host's.
func checkNamespacesDiffer(t *testing.T, peers []*peer) {
	for _, ns := range namespaces {
		host, err := os.Readlink("/proc/self/ns/" + ns)
		if err != nil {
			t.Fatal(err)
		}
		seen := map[string]string{host: "the host"}
		for _, p := range peers {
			id := strings.TrimSpace(mustRun(t, p.sys, "readlink /proc/self/ns/"+ns))
			if id == "" {
				t.Errorf("%s: readlink /proc/self/ns/%s printed nothing", p.name, ns)
			} else if who, dup := seen[id]; dup {
				t.Errorf("%s namespace of %s is %s, the same as %s's", ns, p.name, id, who)
			}
			seen[id] = p.name
		}
	}
}
