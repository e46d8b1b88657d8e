package main

import (
	"os"
	"strings"

	"github.com/linuxhcs/hcs/client"
	"github.com/linuxhcs/hcs/schema"
)

// processOpts are the options exec and run share.
var processOpts = []option{
	{long: "interactive", short: 'i', help: "pass hcsdiag's stdin to the process; end of input closes the process's stdin"},
	{long: "tty", short: 't', help: "run the process on a terminal of its own: the local terminal is put in raw mode, its size follows the window, and (when stdin is a terminal) keys go to the process"},
	{long: "env", short: 'e', arg: "KEY=VALUE", multi: true, help: "set an environment variable; KEY alone passes hcsdiag's own value"},
	{long: "workdir", short: 'w', arg: "DIR", help: "the working directory inside the system"},
	{long: "user", short: 'u', arg: "USER", help: "the user to run as: NAME or UID, optionally followed by :GROUP or :GID (resolved in the system's /etc/passwd and /etc/group)"},
}

var execVerb = &verb{
	name:    "exec",
	summary: "run a process in a running compute system",
	synopsis: []string{"hcsdiag exec [-i] [-t] [-e KEY=VALUE]... [-w DIR] [-u USER] ID [--] COMMAND [ARG]...",
		"hcsdiag exec --params FILE [-e KEY=VALUE]... [-w DIR] [-u USER] ID"},
	description: `Runs COMMAND with its arguments in the system ID (HcsCreateProcess with CommandArgs),
connects its standard streams to hcsdiag's, waits for it to exit, and exits with its exit
status. Options are read up to the system id; everything after the id is the command.

Without -t, the process gets three streams: its stdout and stderr are copied to
hcsdiag's, and with -i hcsdiag's stdin is copied to it; when that input ends, the
process's stdin is closed (HcsModifyProcess CloseHandle StdIn). SIGINT, SIGTERM, SIGHUP
and SIGQUIT sent to hcsdiag are passed on to the process (HcsSignalProcess).

With -t, the process runs on a pseudo-terminal (EmulateConsole) of the local terminal's
size: the local terminal is put in raw mode, so Ctrl-C, Ctrl-Z and Ctrl-D go to the
remote terminal, and every window size change is sent on (HcsModifyProcess
ConsoleSize). TERM is passed on unless -e sets it. Ctrl-D at an empty shell prompt ends
the shell, and so the session.

With --params, the process is the ProcessParameters document in FILE (- for stdin),
as a program would pass it (examples/process.json); -e, -w and -u change it, and
hcsdiag connects the streams it asks for (CreateStdInPipe, EmulateConsole, ...).`,
	opts: append(append([]option(nil), processOpts...),
		option{long: "params", arg: "FILE", help: "run the ProcessParameters document in FILE instead of a COMMAND"}),
	examples: `$ hcsdiag exec demo -- uname -a
$ echo hello | hcsdiag exec -i demo -- tr a-z A-Z
HELLO
$ hcsdiag exec -it demo -- sh
$ hcsdiag exec -e GREETING=hi -w /tmp -u app demo -- sh -c 'echo $GREETING from $(pwd) as $(id -un)'
$ echo text for cat | hcsdiag exec --params examples/process.json demo`,
	minArgs: 1, maxArgs: -1, stopAfter: 1, forwardSignals: true,
	run: runExec,
}

func runExec(e *env, p *parsed) error {
	var spec *processSpec
	var err error
	if p.has("params") {
		spec, err = paramsSpec(e, p)
	} else {
		spec, err = newProcessSpec(p, p.args[1:])
	}
	if err != nil {
		return err
	}
	var code int
	err = e.withSystem(p.args[0], func(s *client.System) error {
		code, err = runProcess(e, s, spec)
		return err
	})
	if err != nil {
		return err
	}
	return exitCode(code)
}

// exitCode is nil for 0 and the exit status to pass through otherwise.
func exitCode(code int) error {
	if code == 0 {
		return nil
	}
	return exitStatus(code)
}

// processSpec is what exec and run were asked to run.
type processSpec struct {
	base        *schema.ProcessParameters // exec --params: the document to start from
	command     []string
	interactive bool
	tty         bool
	env         map[string]string
	workdir     string
	user        string
}

func newProcessSpec(p *parsed, command []string) (*processSpec, error) {
	if len(command) == 0 {
		return nil, usagef("no command to run")
	}
	spec := &processSpec{command: command, interactive: p.has("interactive"), tty: p.has("tty"),
		workdir: p.str("workdir"), user: p.str("user")}
	for _, kv := range p.all("env") {
		k, v, ok := strings.Cut(kv, "=")
		if k == "" {
			return nil, usagef("-e %q: want KEY=VALUE", kv)
		}
		if !ok {
			v, ok = os.LookupEnv(k)
			if !ok {
				continue // like docker: a KEY not set here is not passed
			}
		}
		if spec.env == nil {
			spec.env = map[string]string{}
		}
		spec.env[k] = v
	}
	if _, set := spec.env["TERM"]; spec.tty && !set {
		term := os.Getenv("TERM")
		if term == "" {
			term = "xterm"
		}
		if spec.env == nil {
			spec.env = map[string]string{}
		}
		spec.env["TERM"] = term
	}
	return spec, nil
}

// parameters is the ProcessParameters document for spec; with a terminal, the console gets
// the size of the local terminal on stdout (or stdin).
func (spec *processSpec) parameters(e *env) schema.ProcessParameters {
	if spec.base != nil {
		return spec.fromBase(e)
	}
	pp := schema.ProcessParameters{
		CommandArgs: spec.command, Environment: spec.env, WorkingDirectory: spec.workdir, User: spec.user,
		CreateStdInPipe: spec.interactive, CreateStdOutPipe: true, CreateStdErrPipe: !spec.tty,
	}
	if spec.tty {
		pp.EmulateConsole = true
		if h, w, ok := localSize(e); ok {
			pp.ConsoleSize = []uint16{h, w}
		}
	}
	return pp
}

// fromBase is the --params document with the options applied.
func (spec *processSpec) fromBase(e *env) schema.ProcessParameters {
	pp := *spec.base
	if len(spec.env) > 0 {
		env := map[string]string{}
		for k, v := range pp.Environment {
			env[k] = v
		}
		for k, v := range spec.env {
			env[k] = v
		}
		pp.Environment = env
	}
	if spec.workdir != "" {
		pp.WorkingDirectory = spec.workdir
	}
	if spec.user != "" {
		pp.User = spec.user
	}
	if pp.EmulateConsole && len(pp.ConsoleSize) == 0 {
		if h, w, ok := localSize(e); ok {
			pp.ConsoleSize = []uint16{h, w}
		}
	}
	return pp
}

// paramsSpec is exec --params: the document gives the command and the streams.
func paramsSpec(e *env, p *parsed) (*processSpec, error) {
	if len(p.args) > 1 || p.has("interactive") || p.has("tty") {
		return nil, usagef("--params gives the command and its streams: no COMMAND, -i or -t with it")
	}
	doc, err := readDocument(e, p.str("params"), "ProcessParameters")
	if err != nil {
		return nil, err
	}
	base := new(schema.ProcessParameters)
	if err := schema.Decode(doc, base); err != nil {
		return nil, err
	}
	spec, err := newProcessSpec(p, []string{"(from --params)"})
	if err != nil {
		return nil, err
	}
	spec.base, spec.command = base, nil
	spec.interactive, spec.tty = base.CreateStdInPipe, base.EmulateConsole
	return spec, nil
}

// localSize is the size of the terminal hcsdiag runs on, if any.
func localSize(e *env) (uint16, uint16, bool) {
	if f, ok := e.stdout.(*os.File); ok {
		if h, w, ok := termSize(int(f.Fd())); ok {
			return h, w, true
		}
	}
	return termSize(int(e.stdin.Fd()))
}
