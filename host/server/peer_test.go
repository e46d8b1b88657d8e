package server

import (
	"net"
	"os"
	"slices"
	"testing"

	"golang.org/x/sys/unix"

	"github.com/linuxhcs/hcs/hresult"
)

func TestAuthorize(t *testing.T) {
	allowed := []uint32{100}
	cases := []struct {
		p  Peer
		ok bool
	}{
		{Peer{UID: 0, GID: 5}, true},
		{Peer{UID: 1000, GID: 100}, true},
		{Peer{UID: 1000, GID: 1000, Groups: []uint32{7, 100}}, true},
		{Peer{UID: 1000, GID: 1000, Groups: []uint32{7}}, false},
		{Peer{UID: overflowUID(), GID: 100}, false},
	}
	for _, tc := range cases {
		err := authorize(tc.p, allowed, "hcs")
		if tc.ok != (err == nil) || (err != nil && !hresult.Is(err, hresult.HCS_E_ACCESS_DENIED)) {
			t.Errorf("authorize(%+v) = %v", tc.p, err)
		}
	}
	if err := authorize(Peer{UID: 1000, GID: 100}, nil, "hcs"); err == nil {
		t.Error("no allowed group still let a non-root peer in")
	}
}

func TestPeerOfReportsThisProcess(t *testing.T) {
	fds, err := unix.Socketpair(unix.AF_UNIX, unix.SOCK_STREAM|unix.SOCK_CLOEXEC, 0)
	if err != nil {
		t.Fatal(err)
	}
	unix.Close(fds[1])
	f := os.NewFile(uintptr(fds[0]), "pair")
	c, err := net.FileConn(f)
	f.Close()
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	p, err := peerOf(c.(*net.UnixConn))
	if err != nil {
		t.Fatal(err)
	}
	groups, _ := os.Getgroups()
	if int(p.UID) != os.Geteuid() || int(p.GID) != os.Getegid() || int(p.PID) != os.Getpid() {
		t.Fatalf("peer = %+v", p)
	}
	for _, g := range groups {
		if !slices.Contains(p.Groups, uint32(g)) {
			t.Fatalf("peer groups %v lack %d", p.Groups, g)
		}
	}
}
