package server

import (
	"fmt"
	"net"
	"os"
	"slices"
	"strconv"
	"strings"
	"sync"

	"golang.org/x/sys/unix"

	"github.com/linuxhcs/hcs/hresult"
)

// Peer is the identity of a connected client as the kernel recorded it at connect time.
type Peer struct {
	UID, GID uint32
	PID      int32
	// Groups are the supplementary groups.
	Groups []uint32
}

// peerOf reads the credentials of the process at the other end of c.
func peerOf(c *net.UnixConn) (Peer, error) {
	rc, err := c.SyscallConn()
	if err != nil {
		return Peer{}, err
	}
	var p Peer
	var ierr error
	err = rc.Control(func(fd uintptr) {
		var cred *unix.Ucred
		if cred, ierr = unix.GetsockoptUcred(int(fd), unix.SOL_SOCKET, unix.SO_PEERCRED); ierr != nil {
			return
		}
		p = Peer{UID: cred.Uid, GID: cred.Gid, PID: cred.Pid}
		p.Groups, ierr = peerGroups(int(fd))
	})
	if err == nil {
		err = ierr
	}
	if err != nil {
		return Peer{}, hresult.Wrap(err, hresult.HCS_E_ACCESS_DENIED, "reading the peer's credentials")
	}
	return p, nil
}

// authorize allows root and members of the allowed groups, and no peer whose uid is the
// overflow uid.
func authorize(p Peer, allowed []uint32, groupName string) error {
	if p.UID == 0 {
		return nil
	}
	if p.UID == overflowUID() {
		return hresult.Errorf(hresult.HCS_E_ACCESS_DENIED,
			"access denied: the peer (pid %d) has the overflow uid %d: it runs in a user namespace that hides its identity", p.PID, p.UID)
	}
	for _, g := range allowed {
		if p.GID == g || slices.Contains(p.Groups, g) {
			return nil
		}
	}
	return hresult.Errorf(hresult.HCS_E_ACCESS_DENIED,
		"access denied: uid %d (pid %d) is neither root nor a member of group %s: only they may use the compute service", p.UID, p.PID, groupName)
}

var overflowUID = sync.OnceValue(func() uint32 {
	b, err := os.ReadFile("/proc/sys/kernel/overflowuid")
	if err != nil {
		return 65534
	}
	n, err := strconv.ParseUint(strings.TrimSpace(string(b)), 10, 32)
	if err != nil {
		return 65534
	}
	return uint32(n)
})

// String formats the peer for logs.
func (p Peer) String() string { return fmt.Sprintf("uid=%d gid=%d pid=%d", p.UID, p.GID, p.PID) }
