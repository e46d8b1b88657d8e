package procfs

import (
	"os"
	"strconv"
	"testing"
)

func TestStatOfThisProcess(t *testing.T) {
	f := StatFields(os.Getpid())
	if len(f) < 20 || (f[0] != "R" && f[0] != "S") {
		t.Fatalf("fields %v", f)
	}
	if ppid, _ := strconv.Atoi(f[1]); ppid != os.Getppid() {
		t.Fatalf("ppid field %s, want %d", f[1], os.Getppid())
	}
	if StartTime(os.Getpid()) == 0 {
		t.Fatal("no start time")
	}
	if StatFields(1<<30) != nil || StartTime(1<<30) != 0 {
		t.Fatal("a process that does not exist has a stat")
	}
}
