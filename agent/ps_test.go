package agent

import (
	"os"
	"testing"
)

func TestParseStat(t *testing.T) {
	line := "1234 (we ird) (name)) S 1 1234 1234 0 -1 4194560 100 0 0 0 250 75 0 0 20 0 1 0 5000 1000000 300 18446744073709551615 1 1 0 0 0 0 0 0 0 0 0 0 17 0 0 0 0 0 0\n"
	st, err := parseStat([]byte(line))
	if err != nil {
		t.Fatal(err)
	}
	want := procStat{pid: 1234, ppid: 1, comm: "we ird) (name)", state: 'S', utime: 250, stime: 75, start: 5000, rssPages: 300}
	if st != want {
		t.Fatalf("parseStat = %+v, want %+v", st, want)
	}
	for _, bad := range []string{"", "12 (x", "x (y) S 1", "12 (x) S 1 2 3"} {
		if _, err := parseStat([]byte(bad)); err == nil {
			t.Errorf("parseStat(%q) succeeded", bad)
		}
	}
}

func TestListProcessesSelf(t *testing.T) {
	ps, err := listProcesses(procRoot)
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range ps {
		if p.Pid == os.Getpid() {
			if p.Ppid != os.Getppid() || p.ResidentBytes == 0 || p.StartTime.IsZero() || len(p.Cmdline) == 0 {
				t.Fatalf("self = %+v", p)
			}
			return
		}
	}
	t.Fatal("own process not listed")
}

func FuzzParseStat(f *testing.F) {
	f.Add([]byte("1 (init) S 0 1 1 0 -1 0 0 0 0 0 1 2 0 0 20 0 1 0 3 4 5"))
	f.Fuzz(func(t *testing.T, b []byte) {
		parseStat(b)
	})
}
