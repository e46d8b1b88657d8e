package main

import (
	"fmt"
	"log/slog"
	"os"
	"os/exec"
	"testing"

	"github.com/linuxhcs/hcs/internal/testutil"
)

func TestEnsureGroupCreatesAMissingGroup(t *testing.T) {
	testutil.RequireRoot(t)
	name := fmt.Sprintf("hcs-t%d", os.Getpid()%100000)
	if _, err := lookupGroup(name); err == nil {
		t.Skipf("group %s exists already", name)
	}
	gid, err := ensureGroup(name, slog.New(slog.DiscardHandler))
	if err != nil {
		t.Fatal(err)
	}
	defer exec.Command("groupdel", name).Run()
	again, err := ensureGroup(name, slog.New(slog.DiscardHandler))
	if err != nil || again != gid {
		t.Fatalf("second ensureGroup = %d, %v; first gave %d", again, err, gid)
	}
	if gid >= 1000 {
		t.Errorf("gid %d is not a system group's", gid)
	}
}
