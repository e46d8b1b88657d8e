package agent

import (
	"bytes"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/linuxhcs/hcs/agent/protocol"
	"github.com/linuxhcs/hcs/hresult"
)

// procRoot is where the agent reads process information: the /proc of its pid namespace.
const procRoot = "/proc"

// clockTicks is USER_HZ, the unit of the times in /proc/PID/stat. Linux fixes it at 100 on
// every architecture Go supports; a static binary cannot ask sysconf(_SC_CLK_TCK).
const clockTicks = 100

// maxCmdline bounds the command line read per process, so a list stays within one frame.
const maxCmdline = 1024

// procStat is the part of /proc/PID/stat the agent uses.
type procStat struct {
	pid, ppid    int
	comm         string
	state        byte
	utime, stime uint64 // clock ticks
	start        uint64 // clock ticks after boot
	rssPages     uint64
}

// parseStat parses /proc/PID/stat. The command name may contain spaces and parentheses, so
// it is taken between the first "(" and the last ")".
func parseStat(b []byte) (procStat, error) {
	open, end := bytes.IndexByte(b, '('), bytes.LastIndexByte(b, ')')
	if open < 0 || end < open {
		return procStat{}, fmt.Errorf("malformed stat")
	}
	var st procStat
	var err error
	if st.pid, err = strconv.Atoi(strings.TrimSpace(string(b[:open]))); err != nil {
		return procStat{}, fmt.Errorf("malformed stat pid: %w", err)
	}
	st.comm = string(b[open+1 : end])
	f := strings.Fields(string(b[end+1:]))
	if len(f) < 22 || len(f[0]) != 1 {
		return procStat{}, fmt.Errorf("malformed stat: %d fields", len(f))
	}
	st.state = f[0][0]
	// f[i] is field i+3 of proc(5): ppid 4, utime 14, stime 15, starttime 22, rss 24.
	nums := []*uint64{&st.utime, &st.stime, &st.start, &st.rssPages}
	for i, idx := range []int{11, 12, 19, 21} {
		if *nums[i], err = strconv.ParseUint(f[idx], 10, 64); err != nil {
			return procStat{}, fmt.Errorf("malformed stat field %d: %w", idx+3, err)
		}
	}
	if st.ppid, err = strconv.Atoi(f[1]); err != nil {
		return procStat{}, fmt.Errorf("malformed stat ppid: %w", err)
	}
	return st, nil
}

// pids lists the numeric entries of root.
func pids(root string) ([]int, error) {
	ents, err := os.ReadDir(root)
	if err != nil {
		return nil, err
	}
	var out []int
	for _, e := range ents {
		if pid, err := strconv.Atoi(e.Name()); err == nil && pid > 0 {
			out = append(out, pid)
		}
	}
	sort.Ints(out)
	return out, nil
}

// readStat reads and parses root/PID/stat.
func readStat(root string, pid int) (procStat, error) {
	b, err := os.ReadFile(filepath.Join(root, strconv.Itoa(pid), "stat"))
	if err != nil {
		return procStat{}, err
	}
	return parseStat(b)
}

// listProcesses describes every process under root. Processes that exit during the scan are
// left out.
func listProcesses(root string) ([]protocol.ProcessInfo, error) {
	all, err := pids(root)
	if err != nil {
		return nil, hresult.Wrap(err, 0, "ListProcesses: read "+root)
	}
	boot := bootTime(root)
	page := uint64(os.Getpagesize())
	out := make([]protocol.ProcessInfo, 0, len(all))
	for _, pid := range all {
		st, err := readStat(root, pid)
		if err != nil {
			continue
		}
		out = append(out, protocol.ProcessInfo{
			Pid: st.pid, Ppid: st.ppid, Name: st.comm,
			Cmdline:         readCmdline(root, pid),
			UserTime100ns:   st.utime * (1e7 / clockTicks),
			KernelTime100ns: st.stime * (1e7 / clockTicks),
			ResidentBytes:   st.rssPages * page,
			StartTime:       boot.Add(time.Duration(st.start) * (time.Second / clockTicks)).UTC(),
		})
	}
	return out, nil
}

// readCmdline returns the arguments of pid, at most maxCmdline bytes of them.
func readCmdline(root string, pid int) []string {
	f, err := os.Open(filepath.Join(root, strconv.Itoa(pid), "cmdline"))
	if err != nil {
		return nil
	}
	defer f.Close()
	b, _ := io.ReadAll(io.LimitReader(f, maxCmdline))
	b = bytes.TrimRight(b, "\x00")
	if len(b) == 0 {
		return nil
	}
	return strings.Split(string(b), "\x00")
}

// bootTime reads btime from root/stat; the zero time when it cannot.
func bootTime(root string) time.Time {
	b, err := os.ReadFile(filepath.Join(root, "stat"))
	if err != nil {
		return time.Time{}
	}
	for _, line := range strings.Split(string(b), "\n") {
		if v, ok := strings.CutPrefix(line, "btime "); ok {
			if s, err := strconv.ParseInt(strings.TrimSpace(v), 10, 64); err == nil {
				return time.Unix(s, 0)
			}
		}
	}
	return time.Time{}
}

// descendants returns every process under root whose chain of parents reaches ancestor.
func descendants(root string, ancestor int) []int {
	all, err := pids(root)
	if err != nil {
		return nil
	}
	children := make(map[int][]int)
	for _, pid := range all {
		if st, err := readStat(root, pid); err == nil {
			children[st.ppid] = append(children[st.ppid], pid)
		}
	}
	var out []int
	queue := []int{ancestor}
	for len(queue) > 0 {
		p := queue[0]
		queue = queue[1:]
		for _, c := range children[p] {
			if c != ancestor {
				out = append(out, c)
				queue = append(queue, c)
			}
		}
	}
	return out
}
