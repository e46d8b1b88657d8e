package server_test

import (
	"fmt"
	"strings"
	"syscall"
	"testing"

	"github.com/linuxhcs/hcs/hresult"
	"github.com/linuxhcs/hcs/internal/testutil"
)

// An unprivileged user that is not in the allowed group.
const strangerUID = 4242

func TestAccessControl(t *testing.T) {
	testutil.RequireRoot(t)
	denied := fmt.Sprintf("0x%08X", uint32(hresult.HCS_E_ACCESS_DENIED))
	cases := []struct {
		name string
		mode uint32 // of the socket file
		cred syscall.Credential
		want string // "ok", or the start of the error line
		says string // what the error must mention
	}{
		// With a world-writable socket only the credentials check stands in the way.
		{"stranger, open socket", 0o666, syscall.Credential{Uid: strangerUID, Gid: strangerUID}, denied, "neither root nor a member"},
		{"nobody, open socket", 0o666, syscall.Credential{Uid: 65534, Gid: 65534}, denied, "overflow uid"},
		{"member by gid, open socket", 0o666, syscall.Credential{Uid: strangerUID, Gid: testGID}, "ok", ""},
		{"member by group, open socket", 0o666, syscall.Credential{Uid: strangerUID, Gid: strangerUID, Groups: []uint32{testGID}}, "ok", ""},
		// The real socket mode: the kernel refuses strangers at connect.
		{"stranger", 0o660, syscall.Credential{Uid: strangerUID, Gid: strangerUID}, denied, "only root and members of group hcs"},
		{"member by group", 0o660, syscall.Credential{Uid: strangerUID, Gid: strangerUID, Groups: []uint32{testGID}}, "ok", ""},
		{"root", 0o660, syscall.Credential{Uid: 0, Gid: 0}, "ok", ""},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			d := startDaemon(t, daemonConfig{socketMode: osMode(tc.mode)})
			cmd, out := helper(t, &tc.cred, "dial", d.path)
			line := helperLine(t, out)
			if !strings.HasPrefix(line, tc.want) || !strings.Contains(line, tc.says) {
				t.Fatalf("helper said %q, want %s ... %s", line, tc.want, tc.says)
			}
			if err := cmd.Wait(); err != nil {
				t.Fatalf("helper: %v", err)
			}
		})
	}
}

func TestRefusedPeerGetsNothingElse(t *testing.T) {
	testutil.RequireRoot(t)
	d := startDaemon(t, daemonConfig{socketMode: 0o666, server: serverOptionsRootOnly()})
	_, out := helper(t, &syscall.Credential{Uid: strangerUID, Gid: testGID}, "dial", d.path)
	if line := helperLine(t, out); !strings.Contains(line, "HCS_E_ACCESS_DENIED") {
		t.Fatalf("a group member was let in by a root-only server: %q", line)
	}
}
