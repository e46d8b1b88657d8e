package procfs

import (
	"os"
	"os/exec"
	"strconv"
	"testing"
	"time"
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

func TestAliveTellsAZombieFromARunningProcess(t *testing.T) {
	cmd := exec.Command("sleep", "60")
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	pid := cmd.Process.Pid
	start := StartTime(pid)
	if !Alive(pid, start) {
		t.Fatal("a running child is not alive")
	}
	if Alive(pid, start+1) {
		t.Fatal("a process with another start time is taken for this one")
	}
	cmd.Process.Kill()
	// Unreaped, the killed child stays a zombie with the same pid and start time.
	for i := 0; i < 500 && Alive(pid, start); i++ {
		time.Sleep(10 * time.Millisecond)
	}
	if Alive(pid, start) {
		t.Fatal("a killed, unreaped child is still alive")
	}
	if StartTime(pid) != start {
		t.Fatal("the zombie should still be listed with its start time")
	}
	cmd.Wait()
}
