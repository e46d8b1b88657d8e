// Command hcsdiag is the command line of Linux HCS: it lists, creates, runs and inspects
// compute systems, runs processes in them, manages layers and shows the service's settings.
// It is built only on the public client package, so anything it does a Go program can do
// through the same calls.
//
// Usage:
//
//	hcsdiag VERB [OPTIONS] [ARGUMENTS]
//	hcsdiag help [VERB]
//
// hcsdiag talks to hcsd at $HCS_SOCKET or /run/hcs/hcsd.sock. When nothing answers there and
// hcsdiag runs as root, it starts a private hcsd for the one command (on a private socket,
// with the default state directory, so systems outlive it and the next command finds them)
// and says so once on stderr. Errors are printed as "hcsdiag: VERB: NAME (0xHRESULT):
// message" and exit with status 1; exec and run exit with the status of the process they
// ran. docs/cli.md describes every verb.
package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"
)

// version is hcsdiag's software version, set at build time with
// -ldflags "-X main.version=..."; empty means the module's build information.
var version string

func main() {
	os.Exit(run(os.Args[1:], os.Stdin, os.Stdout, os.Stderr))
}

// run carries out one command line and returns the exit status.
func run(args []string, stdin *os.File, stdout, stderr io.Writer) int {
	if len(args) == 0 {
		printOverview(stderr)
		return 2
	}
	v, rest, err := findVerb(args)
	if err != nil {
		fmt.Fprintf(stderr, "hcsdiag: %v\nRun 'hcsdiag help' for the list of verbs.\n", err)
		return 2
	}
	if v == nil { // "hcsdiag help", "hcsdiag --help", or a group name alone
		return helpCommand(rest, stdout, stderr)
	}
	p, err := parseArgs(v.opts, rest, v.stopAfter)
	if err == nil {
		err = v.checkArgs(p)
	}
	if errors.Is(err, errHelp) {
		printHelp(stdout, v)
		return 0
	}
	if err != nil {
		return report(stderr, v, err)
	}
	sigs := make(chan os.Signal, 8)
	signal.Notify(sigs, syscall.SIGINT, syscall.SIGTERM, syscall.SIGHUP, syscall.SIGQUIT)
	defer signal.Stop(sigs)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	e := &env{ctx: ctx, stdin: stdin, stdout: stdout, stderr: stderr, verb: v}
	if v.forwardSignals {
		e.signals = sigs
	} else {
		go func() {
			if _, ok := <-sigs; ok {
				cancel()
			}
		}()
	}
	err = v.run(e, p)
	if err != nil && ctx.Err() != nil {
		err = context.Canceled // whatever the interrupted call reported
	}
	if cerr := e.close(); err == nil && cerr != nil {
		err = cerr
	}
	return report(stderr, v, err)
}

// report prints err the house way and returns the exit status for it.
func report(stderr io.Writer, v *verb, err error) int {
	var status exitStatus
	var usage *usageError
	switch {
	case err == nil:
		return 0
	case errors.As(err, &status):
		return int(status)
	case errors.As(err, &usage):
		fmt.Fprintf(stderr, "hcsdiag: %s: %s\nUsage: %s\nRun 'hcsdiag %s --help' for more.\n",
			v.name, usage.msg, v.synopsis[0], v.name)
		return 2
	case errors.Is(err, context.Canceled):
		fmt.Fprintf(stderr, "hcsdiag: %s: interrupted\n", v.name)
		return 130
	}
	fmt.Fprintf(stderr, "hcsdiag: %s: %v\n", v.name, toHresult(err))
	return 1
}

// exitStatus is returned by verbs that end with a given status and have said all there is
// to say (exec and run pass the process's exit code through this way).
type exitStatus int

func (s exitStatus) Error() string { return fmt.Sprintf("exit status %d", int(s)) }

// usageError is a command line that cannot be carried out as written.
type usageError struct{ msg string }

func (u *usageError) Error() string { return u.msg }

func usagef(format string, args ...any) error {
	return &usageError{msg: fmt.Sprintf(format, args...)}
}
