package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/linuxhcs/hcs/client"
)

// verb is one command of hcsdiag, with everything its help page shows.
type verb struct {
	name        string   // "list", or "layer import" for a verb of a group
	summary     string   // the NAME line
	synopsis    []string // one line per form
	description string   // paragraphs separated by blank lines
	opts        []option
	examples    string // lines of "$ command" and comments
	minArgs     int
	maxArgs     int // -1: no limit
	// stopAfter is parseArgs' stopAfter: exec and run take their command line as it is.
	stopAfter int
	// forwardSignals hands SIGINT, SIGTERM, SIGHUP and SIGQUIT to the verb (env.signals)
	// instead of cancelling its context.
	forwardSignals bool
	run            func(e *env, p *parsed) error
}

// checkArgs checks the number of positional arguments.
func (v *verb) checkArgs(p *parsed) error {
	n := len(p.args)
	switch {
	case n < v.minArgs && v.minArgs == 1:
		return usagef("missing argument")
	case n < v.minArgs:
		return usagef("needs %d arguments, got %d", v.minArgs, n)
	case v.maxArgs >= 0 && n > v.maxArgs:
		return usagef("unexpected argument %q", p.args[v.maxArgs])
	}
	return nil
}

// verbs lists every verb in the order of the overview.
var verbs []*verb

// groups are the verbs with sub-verbs, and what they are about.
var groups = map[string]string{
	"layer":   "manage container layers",
	"service": "show and change the service's settings",
	"report":  "submit and list crash reports",
	"vm":      "prepare what virtual machines boot with",
}

func init() {
	verbs = []*verb{
		listVerb, createVerb, startVerb, shutdownVerb, terminateVerb, pauseVerb, resumeVerb,
		saveVerb, propertiesVerb, modifyVerb, execVerb, killVerb, psVerb, waitVerb, eventsVerb,
		runVerb,
		layerImportVerb, layerExportVerb, layerInitVerb, layerAttachVerb, layerDetachVerb,
		layerDestroyVerb, layerMountPathVerb,
		servicePropertiesVerb, serviceSetVerb, reportSubmitVerb, reportListVerb, vmInitrdVerb, versionVerb,
	}
}

// findVerb picks the verb named by the first one or two arguments. It returns a nil verb for
// the help command and for a group named alone (whose help is then shown).
func findVerb(args []string) (*verb, []string, error) {
	first := args[0]
	switch first {
	case "help", "-h", "--help":
		return nil, args[1:], nil
	case "--version":
		return versionVerb, args[1:], nil
	}
	if _, ok := groups[first]; ok {
		if len(args) < 2 || strings.HasPrefix(args[1], "-") {
			return nil, args, nil
		}
		for _, v := range verbs {
			if v.name == first+" "+args[1] {
				return v, args[2:], nil
			}
		}
		return nil, nil, fmt.Errorf("%s: unknown verb %q", first, args[1])
	}
	for _, v := range verbs {
		if v.name == first {
			return v, args[1:], nil
		}
	}
	return nil, nil, fmt.Errorf("unknown verb %q", first)
}

// env is what a verb runs with: its context (cancelled by SIGINT and friends unless the verb
// forwards them), the standard streams, and the connection to the service, made on first
// use.
type env struct {
	ctx            context.Context
	stdin          *os.File
	stdout, stderr io.Writer
	verb           *verb
	signals        <-chan os.Signal
	svc            *service
}

// client connects to the service on first use.
func (e *env) client() (*client.Client, error) {
	if e.svc == nil {
		s, err := connect(e.ctx, e.stderr)
		if err != nil {
			return nil, err
		}
		e.svc = s
	}
	return e.svc.c, nil
}

// close ends the connection and stops a private service.
func (e *env) close() error {
	if e.svc == nil {
		return nil
	}
	err := e.svc.close()
	e.svc = nil
	return err
}
