package main

import (
	"context"
	"encoding/json"
	"fmt"
	"sort"
	"strconv"
	"strings"
	"time"

	"golang.org/x/sys/unix"

	"github.com/linuxhcs/hcs/client"
	"github.com/linuxhcs/hcs/hresult"
	"github.com/linuxhcs/hcs/schema"
)

var killVerb = &verb{
	name:     "kill",
	summary:  "send a signal to processes of a compute system",
	synopsis: []string{"hcsdiag kill [-s SIGNAL] ID PID..."},
	description: `Sends SIGNAL to each process PID of the system ID (HcsSignalProcess with
{"Signal": N}). SIGNAL is a number or a name, with or without SIG, in any case: 9, KILL,
SIGKILL, term. The default is TERM. The pids are those inside the system, as hcsdiag ps
shows them.`,
	opts: []option{{long: "signal", short: 's', arg: "SIGNAL", help: "the signal to send (default TERM)"}},
	examples: `$ hcsdiag kill demo 12
$ hcsdiag kill -s KILL demo 12 13`,
	minArgs: 2, maxArgs: -1, stopAfter: -1,
	run: runKill,
}

func runKill(e *env, p *parsed) error {
	sig := 15
	if s := p.str("signal"); s != "" {
		n, err := parseSignal(s)
		if err != nil {
			return err
		}
		sig = n
	}
	opts := mustJSON(schema.SignalProcessOptions{Signal: schema.SignalNumber(sig)})
	return e.withSystem(p.args[0], func(s *client.System) error {
		for _, arg := range p.args[1:] {
			pid, err := strconv.ParseUint(arg, 10, 32)
			if err != nil {
				return usagef("pid %q: want a number", arg)
			}
			if err := signalProcess(e, s, uint32(pid), opts); err != nil {
				return err
			}
		}
		return nil
	})
}

func signalProcess(e *env, s *client.System, pid uint32, opts string) error {
	proc, err := s.OpenProcess(e.ctx, pid, client.GenericAll)
	if err != nil {
		return err
	}
	defer proc.Close()
	_, err = e.do(func(op *client.Operation) error { return proc.Signal(op, opts) })
	return err
}

// parseSignal accepts a signal number or name ("9", "KILL", "SIGKILL", "kill").
func parseSignal(s string) (int, error) {
	if n, err := strconv.Atoi(s); err == nil {
		if n <= 0 || n > 64 {
			return 0, usagef("signal %d: out of range", n)
		}
		return n, nil
	}
	name := strings.ToUpper(s)
	if !strings.HasPrefix(name, "SIG") {
		name = "SIG" + name
	}
	if n := unix.SignalNum(name); n != 0 {
		return int(n), nil
	}
	return 0, usagef("unknown signal %q", s)
}

var psVerb = &verb{
	name:     "ps",
	summary:  "list the processes of a compute system",
	synopsis: []string{"hcsdiag ps [--json] ID"},
	description: `Lists every process of the system (the ProcessList property), sorted by pid: PID
inside the system, IMAGE (the program's name), CPU (user and kernel time), MEMORY
(resident) and STARTED (local time). A container's init, hcs-agent, is pid 1.`,
	opts:     []option{{long: "json", help: "print the ProcessList array as the service reports it"}},
	examples: "$ hcsdiag ps demo\nPID   IMAGE       CPU     MEMORY    STARTED\n1     hcs-agent   0.02s   7.1 MiB   12:00:01",
	minArgs:  1, maxArgs: 1, stopAfter: -1,
	run: runPs,
}

func runPs(e *env, p *parsed) error {
	return e.withSystem(p.args[0], func(s *client.System) error {
		doc, err := e.properties(s, `{"PropertyTypes":["ProcessList"]}`)
		if err != nil {
			return err
		}
		var props schema.Properties
		if err := json.Unmarshal([]byte(doc), &props); err != nil {
			return hresult.Wrap(err, hresult.HCS_E_INVALID_JSON, "the process list")
		}
		procs := props.ProcessList
		sort.Slice(procs, func(i, j int) bool { return procs[i].ProcessId < procs[j].ProcessId })
		if p.has("json") {
			if procs == nil {
				procs = []schema.ProcessDetails{}
			}
			return printValue(e.stdout, procs)
		}
		t := newTable(e.stdout)
		fmt.Fprintln(t, "PID\tIMAGE\tCPU\tMEMORY\tSTARTED")
		for _, pr := range procs {
			cpu := time.Duration(pr.UserTime100ns+pr.KernelTime100ns) * 100
			fmt.Fprintf(t, "%d\t%s\t%.2fs\t%s\t%s\n", pr.ProcessId, dash(pr.ImageName), cpu.Seconds(),
				formatBytes(pr.MemoryWorkingSetPrivateBytes), localTime(pr.CreateTimestamp))
		}
		return t.Flush()
	})
}

// localTime shows an RFC 3339 time as local hh:mm:ss (with the date when not today).
func localTime(s string) string {
	t, err := time.Parse(time.RFC3339Nano, s)
	if err != nil {
		return dash(s)
	}
	t = t.Local()
	if y, m, d := t.Date(); y == time.Now().Year() && m == time.Now().Month() && d == time.Now().Day() {
		return t.Format("15:04:05")
	}
	return t.Format("2006-01-02 15:04")
}

var waitVerb = &verb{
	name:     "wait",
	summary:  "wait for a compute system or one of its processes to exit",
	synopsis: []string{"hcsdiag wait [--process PID] [--timeout DURATION] ID"},
	description: `Waits until the system exits (HcsWaitForComputeSystemExit) and prints its
SystemExitStatus document, or with --process until that process exits
(HcsWaitForProcessExit) and prints its ProcessStatus document. Either returns at once
when the exit has already happened. --timeout gives up after DURATION (like 30s or 5m)
with HCS_E_OPERATION_TIMEOUT.`,
	opts: []option{
		{long: "process", arg: "PID", help: "wait for this process of the system instead"},
		{long: "timeout", arg: "DURATION", help: "give up after this long"},
	},
	examples: `$ hcsdiag wait demo
{
  "Status": 0,
  "ExitType": "GracefulExit"
}
$ hcsdiag wait --process 12 --timeout 10s demo`,
	minArgs: 1, maxArgs: 1, stopAfter: -1,
	run: runWait,
}

func runWait(e *env, p *parsed) error {
	ctx := e.ctx
	if d := p.str("timeout"); d != "" {
		timeout, err := time.ParseDuration(d)
		if err != nil || timeout <= 0 {
			return usagef("--timeout %q: want a duration like 30s or 5m", d)
		}
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, timeout)
		defer cancel()
	}
	pid, err := p.uint("process", 0)
	if err != nil {
		return err
	}
	return e.withSystem(p.args[0], func(s *client.System) error {
		var doc string
		if p.has("process") {
			proc, err := s.OpenProcess(ctx, uint32(pid), client.GenericAll)
			if err != nil {
				return err
			}
			defer proc.Close()
			doc, err = proc.WaitForExit(ctx)
			if err != nil {
				return err
			}
		} else if doc, err = s.WaitForExit(ctx); err != nil {
			return err
		}
		return printJSON(e.stdout, doc)
	})
}
