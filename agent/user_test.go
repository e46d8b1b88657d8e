package agent

import (
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"testing"

	"github.com/linuxhcs/hcs/hresult"
)

const testPasswd = `root:x:0:0:root:/root:/bin/sh
# a comment
daemon:x:1:1:daemon:/usr/sbin:/usr/sbin/nologin
alice:x:1000:1000:Alice:/home/alice:/bin/sh
bob:x:1001:100::/home/bob:/bin/sh
broken:x:notanumber:1::/:/bin/sh
short:x:5
`

const testGroup = `root:x:0:
users:x:100:alice
alice:x:1000:
wheel:x:10:alice, bob
docker:x:999:bob
`

// testRoot makes a directory with etc/passwd and etc/group (when non-empty).
func testRoot(t *testing.T, passwd, group string) string {
	t.Helper()
	root := t.TempDir()
	if err := os.Mkdir(filepath.Join(root, "etc"), 0o755); err != nil {
		t.Fatal(err)
	}
	for name, body := range map[string]string{"passwd": passwd, "group": group} {
		if body == "" {
			continue
		}
		if err := os.WriteFile(filepath.Join(root, "etc", name), []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return root
}

func TestResolveUser(t *testing.T) {
	root := testRoot(t, testPasswd, testGroup)
	cases := []struct {
		spec string
		want Identity
	}{
		{"root", Identity{Name: "root", Uid: 0, Gid: 0, Groups: []uint32{0}, Home: "/root"}},
		{"0", Identity{Name: "root", Uid: 0, Gid: 0, Groups: []uint32{0}, Home: "/root"}},
		{"alice", Identity{Name: "alice", Uid: 1000, Gid: 1000, Groups: []uint32{1000, 100, 10}, Home: "/home/alice"}},
		{"bob", Identity{Name: "bob", Uid: 1001, Gid: 100, Groups: []uint32{100, 10, 999}, Home: "/home/bob"}},
		{"1001", Identity{Name: "bob", Uid: 1001, Gid: 100, Groups: []uint32{100, 10, 999}, Home: "/home/bob"}},
		{"bob:docker", Identity{Name: "bob", Uid: 1001, Gid: 999, Groups: []uint32{999, 10}, Home: "/home/bob"}},
		{"alice:5", Identity{Name: "alice", Uid: 1000, Gid: 5, Groups: []uint32{5, 100, 10}, Home: "/home/alice"}},
		{"4242", Identity{Uid: 4242, Gid: 0, Groups: []uint32{0}, Home: "/"}},
		{"4242:4343", Identity{Uid: 4242, Gid: 4343, Groups: []uint32{4343}, Home: "/"}},
		{"4242:wheel", Identity{Uid: 4242, Gid: 10, Groups: []uint32{10}, Home: "/"}},
	}
	for _, c := range cases {
		got, err := ResolveUser(root, c.spec)
		if err != nil || !reflect.DeepEqual(got, c.want) {
			t.Errorf("ResolveUser(%q) = %+v, %v; want %+v", c.spec, got, err, c.want)
		}
	}
}

func TestResolveUserErrors(t *testing.T) {
	root := testRoot(t, testPasswd, testGroup)
	cases := map[string]error{
		"nobody":        hresult.ERROR_NOT_FOUND,
		"alice:nogroup": hresult.ERROR_NOT_FOUND,
		"broken":        hresult.ERROR_NOT_FOUND,
		":0":            hresult.E_INVALIDARG,
		"alice:":        hresult.E_INVALIDARG,
		"":              hresult.E_INVALIDARG,
		"4294967295":    hresult.ERROR_NOT_FOUND, // (uid_t)-1 is not an id, so it is a name
	}
	for spec, want := range cases {
		if _, err := ResolveUser(root, spec); !errors.Is(err, want) {
			t.Errorf("ResolveUser(%q) error = %v, want %v", spec, err, want)
		}
	}
}

func TestResolveUserWithoutAccountFiles(t *testing.T) {
	root := testRoot(t, "", "")
	got, err := ResolveUser(root, "root")
	want := Identity{Name: "root", Groups: []uint32{0}, Home: "/root"}
	if err != nil || !reflect.DeepEqual(got, want) {
		t.Errorf("ResolveUser(root) = %+v, %v; want %+v", got, err, want)
	}
	if got, err := ResolveUser(root, "7:8"); err != nil || got.Uid != 7 || got.Gid != 8 {
		t.Errorf("ResolveUser(7:8) = %+v, %v", got, err)
	}
	if _, err := ResolveUser(root, "alice"); !errors.Is(err, hresult.ERROR_NOT_FOUND) {
		t.Errorf("ResolveUser(alice) without passwd: %v", err)
	}
}

func TestResolveUserStaysInRoot(t *testing.T) {
	root := t.TempDir()
	outside := testRoot(t, "evil:x:0:0::/:/bin/sh\n", "")
	if err := os.Symlink(filepath.Join(outside, "etc"), filepath.Join(root, "etc")); err != nil {
		t.Fatal(err)
	}
	if _, err := ResolveUser(root, "evil"); err == nil {
		t.Fatal("resolved a user through a symlink that leaves the root")
	}
}
