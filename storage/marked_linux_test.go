package storage

import (
	"os"
	"path/filepath"
	"slices"
	"testing"

	"golang.org/x/sys/unix"

	"github.com/linuxhcs/hcs/hresult"
	"github.com/linuxhcs/hcs/internal/testutil"
)

func TestMarkedUnionsFindsUnionsByTheirMark(t *testing.T) {
	testutil.RequireRoot(t)
	base := t.TempDir()
	parent := filepath.Join(base, "parent")
	if err := os.Mkdir(parent, 0o755); err != nil {
		t.Fatal(err)
	}
	attach := func(name, mark string) string {
		path := filepath.Join(base, name, "with blank")
		if err := PrepareWritable(path); err != nil {
			t.Fatal(err)
		}
		var err error
		if mark == "" {
			err = Attach(path, []string{parent})
		} else {
			err = AttachMarked(path, []string{parent}, mark)
		}
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { unix.Unmount(path, unix.MNT_DETACH) })
		return path
	}
	mine := attach("a", "test-mark:one")
	attach("b", "other-mark:two")
	attach("c", "")

	got, err := MarkedUnions("test-mark:")
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 1 || got[0] != (MarkedUnion{Path: mine, Mark: "test-mark:one"}) {
		t.Fatalf("MarkedUnions = %+v, want only %s", got, mine)
	}
	points, err := MountPointsBelow(base)
	if err != nil {
		t.Fatal(err)
	}
	if len(points) != 3 || !slices.Contains(points, mine) {
		t.Fatalf("MountPointsBelow = %q, want the three unions, spelled as they are", points)
	}
}

func TestAttachMarkedRefusesAMarkTheMountTableCannotCarry(t *testing.T) {
	for _, mark := range []string{"", "a b", "a,b", "a\tb"} {
		err := AttachMarked("/nonexistent", []string{"/"}, mark)
		if !hresult.Is(err, hresult.E_INVALIDARG) {
			t.Errorf("AttachMarked with mark %q = %v, want E_INVALIDARG", mark, err)
		}
	}
}
