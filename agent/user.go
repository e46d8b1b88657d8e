package agent

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"strconv"
	"strings"

	"github.com/linuxhcs/hcs/hresult"
)

// Identity is a user resolved from the passwd and group files of the agent's root.
type Identity struct {
	// Name is the passwd name, or "" for a numeric user without an entry.
	Name string
	Uid  uint32
	Gid  uint32
	// Groups are the supplementary groups: Gid first, then every group of /etc/group that
	// lists Name as a member (as initgroups(3) does).
	Groups []uint32
	// Home is the passwd home directory, or "/" without an entry.
	Home string
}

// maxAccountFile bounds how much of /etc/passwd or /etc/group is read.
const maxAccountFile = 16 << 20

// ResolveUser resolves an HCS User string against root/etc/passwd and root/etc/group, opened
// inside root so that symbolic links cannot lead outside it. Accepted forms: "name", "uid",
// "uid:gid", "name:group", "uid:group" and "name:gid". A numeric uid need not exist in passwd
// (its group is then 0 and its home "/"); a name must, except "root" (0:0, home /root) when
// the image has no passwd file. An empty spec is not accepted here: it means "as the agent".
func ResolveUser(root, spec string) (Identity, error) {
	userPart, groupPart, hasGroup := strings.Cut(spec, ":")
	if userPart == "" || (hasGroup && groupPart == "") {
		return Identity{}, hresult.Errorf(hresult.E_INVALIDARG,
			"User %q: expected name, uid, name:group or uid:gid", spec)
	}
	users, err := readAccounts(root, "etc/passwd", 7)
	if err != nil {
		return Identity{}, err
	}
	id, err := findUser(users, userPart)
	if err != nil {
		return Identity{}, hresult.Wrap(err, 0, fmt.Sprintf("User %q", spec))
	}
	groups, err := readAccounts(root, "etc/group", 4)
	if err != nil {
		return Identity{}, err
	}
	if hasGroup {
		if id.Gid, err = findGroup(groups, groupPart); err != nil {
			return Identity{}, hresult.Wrap(err, 0, fmt.Sprintf("User %q", spec))
		}
	}
	id.Groups = memberGroups(groups, id.Name, id.Gid)
	return id, nil
}

// findUser resolves the user part of a spec.
func findUser(users [][]string, name string) (Identity, error) {
	if uid, ok := parseID(name); ok {
		for _, u := range users {
			if v, ok := parseID(u[2]); ok && v == uid {
				return identityOf(u), nil
			}
		}
		return Identity{Uid: uid, Home: "/"}, nil
	}
	for _, u := range users {
		if u[0] == name {
			return identityOf(u), nil
		}
	}
	if name == "root" {
		return Identity{Name: "root", Home: "/root"}, nil
	}
	return Identity{}, hresult.Errorf(hresult.ERROR_NOT_FOUND, "no user %q in /etc/passwd", name)
}

// identityOf converts a passwd entry whose fields have been checked by readAccounts.
func identityOf(u []string) Identity {
	uid, _ := parseID(u[2])
	gid, _ := parseID(u[3])
	home := u[5]
	if home == "" {
		home = "/"
	}
	return Identity{Name: u[0], Uid: uid, Gid: gid, Home: home}
}

// findGroup resolves the group part of a spec.
func findGroup(groups [][]string, name string) (uint32, error) {
	if gid, ok := parseID(name); ok {
		return gid, nil
	}
	for _, g := range groups {
		if g[0] == name {
			if gid, ok := parseID(g[2]); ok {
				return gid, nil
			}
		}
	}
	return 0, hresult.Errorf(hresult.ERROR_NOT_FOUND, "no group %q in /etc/group", name)
}

// memberGroups returns gid followed by the gids of the groups that list name as a member.
func memberGroups(groups [][]string, name string, gid uint32) []uint32 {
	out := []uint32{gid}
	if name == "" {
		return out
	}
	for _, g := range groups {
		v, ok := parseID(g[2])
		if !ok || containsID(out, v) {
			continue
		}
		for _, m := range strings.Split(g[3], ",") {
			if strings.TrimSpace(m) == name {
				out = append(out, v)
				break
			}
		}
	}
	return out
}

func containsID(ids []uint32, v uint32) bool {
	for _, x := range ids {
		if x == v {
			return true
		}
	}
	return false
}

// parseID parses a decimal uid or gid; (uint32)-1 is not a valid id.
func parseID(s string) (uint32, bool) {
	v, err := strconv.ParseUint(s, 10, 32)
	if err != nil || v == 1<<32-1 {
		return 0, false
	}
	return uint32(v), true
}

// readAccounts reads a colon-separated account file inside root, keeping the lines with at
// least fields fields and numeric ids. A missing file is empty.
func readAccounts(root, name string, fields int) ([][]string, error) {
	f, err := os.OpenInRoot(root, name)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, hresult.Wrap(err, hresult.E_FAIL, "read /"+name)
	}
	defer f.Close()
	var out [][]string
	sc := bufio.NewScanner(io.LimitReader(f, maxAccountFile))
	sc.Buffer(make([]byte, 0, 4096), 1<<20)
	for sc.Scan() {
		line := sc.Text()
		if line == "" || line[0] == '#' {
			continue
		}
		parts := strings.Split(line, ":")
		if len(parts) < fields {
			continue
		}
		if _, ok := parseID(parts[2]); !ok {
			continue
		}
		out = append(out, parts)
	}
	if err := sc.Err(); err != nil {
		return nil, hresult.Wrap(err, hresult.E_FAIL, "read /"+name)
	}
	return out, nil
}
